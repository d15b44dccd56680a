import type { Knex } from 'knex';

/**
 * How a booking's lesson is paid, on the read model so the booking and the booking list show it:
 * `card` (a card hold), `credit` (a package's credit, `package_id` names the package) or `trial`
 * (the student's trial lesson with the tutor, free or held on a card at the trial's price). Written
 * with the row by the booking's reserveBooking activity. Existing bookings are filled from what
 * took their credit (the ledger's consume entry) or their trial claim.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table bookings
      add column paid_with text not null default 'card' check (paid_with in ('card', 'credit', 'trial')),
      add column package_id uuid references lesson_packages (id) on delete set null,
      add constraint bookings_package_only_for_credit check (paid_with = 'credit' or package_id is null)
  `);
  await knex.raw(`
    update bookings set paid_with = 'credit', package_id = entry.package_id
      from credit_entries entry where entry.dedupe_key = 'consume:' || bookings.id
  `);
  await knex.raw(`update bookings set paid_with = 'trial' from trial_lessons trial where trial.booking_id = bookings.id`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table bookings drop constraint if exists bookings_package_only_for_credit, drop column if exists package_id, drop column if exists paid_with');
}
