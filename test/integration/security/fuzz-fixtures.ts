/**
 * Real objects for the fuzzer to reach: a published tutor with a week of availability and a day
 * off, a booking between the student and the tutor (a read-model row with no workflow behind it,
 * like a booking whose life is over: actions on it are refused with 409), an ENDED booking with the
 * student's review of it, their conversation, one
 * pending file per person, a second sign-in session of the student's and a verification document
 * awaiting an admin, a pending data export of the student's, and a bystander account for the
 * admin's user actions (the live booking keeps DELETE /api/me refused for both parties, so the
 * fuzzer never deletes the people it signs in as). Each operation whose path
 * names an object is pinned to the caller's own object of that kind.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { SessionRepository } from '../../../db/repositories/session-repository.js';
import type { FuzzRole } from '../../../scripts/fuzz/schemathesis.js';
import type { TestUser } from '../../support/fixtures.js';
import { insertBooking } from '../realtime/support.js';

interface People {
  student: TestUser;
  tutor: TestUser;
  admin: TestUser;
}

async function api<T>(baseUrl: string, user: TestUser, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...user.auth, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`fuzz fixture ${method} ${path} as ${user.role}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const newFile = (baseUrl: string, user: TestUser, purpose: string, contentType: string) =>
  api<{ file: { id: string } }>(baseUrl, user, 'POST', '/api/files', { purpose, contentType, size: 64, filename: `fuzz.${contentType.split('/')[1]}` }).then((answer) => answer.file.id);

export async function fuzzRoles(baseUrl: string, db: Knex, { student, tutor, admin }: People): Promise<FuzzRole[]> {
  const tree = await api<{ items: { id: string; subjects?: { id: string }[] }[] }>(baseUrl, student, 'GET', '/api/subjects');
  const subject = tree.items[0]?.subjects?.[0]?.id ?? tree.items[0]?.id;
  await api(baseUrl, tutor, 'PUT', '/api/me/tutor-profile', {
    headline: 'Algebra without tears',
    bio: 'Ten years of teaching.',
    hourlyRateMinor: 4500,
    currency: 'USD',
    timeZone: 'UTC',
    subjects: subject ? [subject] : [],
    languages: ['en'],
    published: Boolean(subject),
  });
  await api(baseUrl, tutor, 'PUT', '/api/me/availability/rules', {
    rules: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
  });
  const dayOff = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const override = await api<{ id: string }>(baseUrl, tutor, 'POST', '/api/me/availability/overrides', { date: dayOff, kind: 'off' });

  const bookingId = await insertBooking(db, { studentId: student.id, tutorId: tutor.id }, 'SCHEDULED');
  // An ended lesson with the student's review of it (reviews need an ended booking).
  const endedBookingId = await insertBooking(db, { studentId: student.id, tutorId: tutor.id }, 'ENDED');
  const review = await api<{ id: string }>(baseUrl, student, 'POST', `/api/bookings/${endedBookingId}/review`, { rating: 5, text: 'Patient and clear.' });
  const conversation = await api<{ id: string }>(baseUrl, student, 'POST', '/api/conversations', { participantId: tutor.id });
  const [studentFile, tutorFile, documentFile] = await Promise.all([
    newFile(baseUrl, student, 'message_attachment', 'text/plain'),
    newFile(baseUrl, tutor, 'message_attachment', 'text/plain'),
    newFile(baseUrl, tutor, 'verification_document', 'application/pdf'),
  ]);
  // A second sign-in of the student's, theirs to end.
  const otherSession = await new SessionRepository(db).createSession({ userId: student.id, method: 'password', expiresAt: new Date(Date.now() + 86_400_000) });
  // A notification of the student's, theirs to mark read.
  const [notification] = await db('notifications').insert({ user_id: student.id, kind: 'review.received', dedupe_key: `fuzz:${randomUUID()}`, title: 'A title', body: 'A body' }).returning('id');
  const documentId = randomUUID();
  await db('verification_documents').insert({ id: documentId, tutor_id: tutor.id, file_id: documentFile, kind: 'identity' });
  // A data export of the student's (pending: no worker builds it here).
  const [dataExport] = await db('data_exports').insert({ user_id: student.id }).returning('id');
  // An account of nobody's in the run, for admins to suspend, ban and reinstate (never one the fuzzer signs in as).
  const [bystander] = await db('users').insert({ email: `bystander-${randomUUID()}@example.test`, role: 'student', display_name: 'Bystander' }).returning('id');

  // A weekly series between them (the read model only: no workflow needed to be someone else's).
  const seriesId = randomUUID();
  await db('lesson_series').insert({ id: seriesId, student_id: student.id, tutor_id: tutor.id, length_minutes: 60, weeks: 2, payment_method_id: 'pm_card_visa', time_zone: 'UTC', request_hash: 'fixture' });
  // A package offer of the tutor's and a package the student bought from it (a read-model row with no workflow behind it).
  const offer = await api<{ id: string }>(baseUrl, tutor, 'POST', '/api/me/package-offers', { lessons: 5, lengthMinutes: 60, discountPercent: 10 });
  const packageId = randomUUID();
  await db('lesson_packages').insert({ id: packageId, offer_id: offer.id, student_id: student.id, tutor_id: tutor.id, lessons: 5, length_minutes: 60, price_minor: 20_250, currency: 'USD', commission_bps: 1_500, status: 'active', expires_at: new Date(Date.now() + 180 * 86_400_000), request_hash: 'fixture' });

  const id = (value: string) => ({ 'path.id': value });
  const bookingOperations = ['getBooking', 'getBookingTimeline', 'acceptBooking', 'declineBooking', 'cancelBooking', 'proposeReschedule', 'answerReschedule', 'reportNoShow', 'contestNoShow', 'reportLessonProblem'];
  const publicTutor = { getTutorProfile: id(tutor.id), listTutorSlots: id(tutor.id), listTutorReviews: id(tutor.id), listTutorPackageOffers: id(tutor.id), getTutorTrialOffer: id(tutor.id) };
  const asParty = (file: string) => ({
    ...publicTutor,
    ...Object.fromEntries(bookingOperations.map((operation) => [operation, id(bookingId)])),
    listConversationMessages: id(conversation.id),
    getPackage: id(packageId),
    confirmUpload: id(file),
    downloadFile: id(file),
    getSeries: id(seriesId),
    skipSeriesWeek: id(seriesId),
    cancelSeries: id(seriesId),
  });
  return [
    {
      name: 'student',
      token: student.token,
      parameters: { ...asParty(studentFile), getDataExport: id(dataExport.id), getBookingReceipt: id(bookingId), getPackageReceipt: id(packageId), removeSavedCard: id('pm_card_visa'), revokeSession: id(otherSession.id), createReview: id(endedBookingId), getBookingReview: id(endedBookingId), updateReview: id(review.id), markNotificationRead: id(notification.id) },
    },
    { name: 'tutor', token: tutor.token, parameters: { ...asParty(tutorFile), deleteMyAvailabilityOverride: id(override.id), retirePackageOffer: id(offer.id), getBookingReview: id(endedBookingId), replyToReview: id(review.id), reportReview: id(review.id) } },
    {
      name: 'admin',
      token: admin.token,
      parameters: {
        ...publicTutor,
        getBooking: id(bookingId),
        getBookingTimeline: id(bookingId),
        adminCancelBooking: id(bookingId),
        adminRefundBooking: id(bookingId),
        adminResolvePayout: id(bookingId),
        adminResolveAttention: id(bookingId),
        adminDecideDispute: id(bookingId),
        getTutorNoShows: id(tutor.id),
        approveVerificationDocument: id(documentId),
        rejectVerificationDocument: id(documentId),
        adminHideReview: id(review.id),
        getPackage: id(packageId),
        getPackageReceipt: id(packageId),
        adminRefundPackage: id(packageId),
        adminResolvePackageAttention: id(packageId),
        adminGetUser: id(bystander.id),
        adminSuspendUser: id(bystander.id),
        adminBanUser: id(bystander.id),
        adminUnsuspendUser: id(bystander.id),
        getBookingReview: id(endedBookingId),
      },
    },
  ];
}
