/**
 * The ordered list of migrations. Listing them in code (instead of letting knex scan a folder)
 * works the same under tsx, compiled JavaScript and inside a container, and makes the order explicit.
 * Add new migrations at the end; never rename or reorder one that has shipped.
 */
import type { Knex } from 'knex';
import * as m0001 from './0001_extensions.js';
import * as m0002 from './0002_users.js';
import * as m0300 from './0300_bookings.js';
import * as m0300files from './0300_files_ready_copy.js';
import * as m0300signIn from './0300_sign_in_hardening.js';
import * as m0350 from './0350_google_calendar_links.js';
import * as m0400 from './0400_conversations.js';
import * as m0401 from './0401_user_presence.js';
import * as m0100 from './0100_auth_sessions.js';
import * as m0101 from './0101_email_tokens.js';
import * as m0102 from './0102_email_outbox.js';
import * as m0103 from './0103_oauth_states.js';
import * as m0150 from './0150_subjects.js';
import * as m0151 from './0151_files.js';
import * as m0152 from './0152_tutor_profiles.js';
import * as m0153 from './0153_student_profiles.js';
import * as m0154 from './0154_verification_documents.js';
import * as m0155 from './0155_stripe_events.js';
import * as m0200 from './0200_availability.js';
import * as m0210 from './0210_tutor_search_indexes.js';
import * as m0500 from './0500_booking_attention.js';
import * as m0600 from './0600_student_no_overlap.js';
import * as m0700 from './0700_reviews.js';
import * as m0800 from './0800_booking_disputes.js';
import * as m0810 from './0810_packages.js';
import * as m0820 from './0820_notifications.js';
import * as m0830 from './0830_lesson_series.js';
import * as m0840 from './0840_admin_console.js';
import * as m0840reports from './0840_review_reports.js';
import * as m0840exports from './0840_data_exports.js';
import * as m0860retention from './0860_notification_retention.js';
import * as m0860devices from './0860_session_devices.js';
import * as m0870paidWith from './0870_booking_paid_with.js';
import * as m0880payments from './0880_booking_payments.js';
import * as m0890 from './0890_refresh_token_reuse_interval.js';

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

export const MIGRATIONS: Record<string, Migration> = {
  '0001_extensions': m0001,
  '0002_users': m0002,
  '0300_bookings': m0300,
  '0300_files_ready_copy': m0300files,
  '0300_sign_in_hardening': m0300signIn,
  '0350_google_calendar_links': m0350,
  '0400_conversations': m0400,
  '0401_user_presence': m0401,
  '0100_auth_sessions': m0100,
  '0101_email_tokens': m0101,
  '0102_email_outbox': m0102,
  '0103_oauth_states': m0103,
  '0150_subjects': m0150,
  '0151_files': m0151,
  '0152_tutor_profiles': m0152,
  '0153_student_profiles': m0153,
  '0154_verification_documents': m0154,
  '0155_stripe_events': m0155,
  '0200_availability': m0200,
  '0210_tutor_search_indexes': m0210,
  '0500_booking_attention': m0500,
  '0600_student_no_overlap': m0600,
  '0700_reviews': m0700,
  '0800_booking_disputes': m0800,
  '0810_packages': m0810,
  '0820_notifications': m0820,
  '0830_lesson_series': m0830,
  '0840_admin_console': m0840,
  '0840_review_reports': m0840reports,
  '0840_data_exports': m0840exports,
  '0860_notification_retention': m0860retention,
  '0860_session_devices': m0860devices,
  '0870_booking_paid_with': m0870paidWith,
  '0880_booking_payments': m0880payments,
  '0890_refresh_token_reuse_interval': m0890,
};
