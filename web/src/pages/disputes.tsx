/**
 * A student's report of a problem with an ended lesson (a dispute: the tutor's payout freezes until
 * an admin decides), what was reported and decided, and the admins' list of open disputes.
 */
import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { formatInstant, formatMoney, toMajor, toMinor } from '../format.js';
import { Link } from '../router.js';
import { api } from '../session.js';
import { uploadFile } from '../uploads.js';
import { ErrorMessage, Field, Notice, Page, SelectField, Show, TextAreaField, useAction, useLoad } from '../ui.js';

type Booking = Schemas['Booking'];
type Reason = NonNullable<Schemas['BookingState']['problem']>['reason'];

export const PROBLEM_REASONS: Record<Reason, string> = {
  lesson_did_not_happen_as_booked: 'The lesson did not happen as booked',
  tutor_late_or_left_early: 'The tutor was late or left early',
  technical_problems: 'Technical problems',
  poor_quality: 'Poor quality',
  other: 'Something else',
};

type TimelineEvent = Schemas['BookingTimeline']['events'][number];

/** Whether the student reported a problem with the lesson (its timeline has the dispute). */
export const disputeOpened = (events: TimelineEvent[]) => events.find((event) => event.type === 'dispute.opened');

/**
 * The problem reported on a lesson and, once made, the admin's decision, from the booking's timeline
 * (GET /api/bookings/{id} is the booking's row, without the workflow's dispute).
 */
export function ProblemShown({ events, currency }: { events: TimelineEvent[]; currency: string }) {
  const opened = disputeOpened(events);
  if (!opened) return null;
  const reported = opened.data as { reason: Reason; attachmentFileId?: string };
  const decided = events.find((event) => event.type === 'dispute.decided');
  const decision = decided?.data as { refundMinor: number; reason: string } | undefined;
  return (
    <section className="card" aria-labelledby="problem-title">
      <h2 id="problem-title">The reported problem</h2>
      <p>
        {PROBLEM_REASONS[reported.reason] ?? reported.reason} · reported {formatInstant(opened.at)}
        {reported.attachmentFileId ? ' · with an attachment' : ''}
      </p>
      {decided && decision ? (
        <p data-testid="dispute-decision">
          Decided {formatInstant(decided.at)}: {formatMoney(decision.refundMinor, currency)} refunded. Reason: {decision.reason}
        </p>
      ) : (
        <Notice>An admin looks at it; the tutor is not paid for the lesson until then.</Notice>
      )}
    </section>
  );
}

/** The student reports a problem with the ended lesson: a reason, what went wrong, and optionally a file. */
export function ReportProblem({ bookingId, onReported }: { bookingId: string; onReported: () => void }) {
  const [reason, setReason] = useState<Reason | ''>('');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | undefined>();
  const [step, setStep] = useState<string | undefined>();
  const [sent, setSent] = useState(false);
  const action = useAction();
  const report = (event: FormEvent) => {
    event.preventDefault();
    if (!reason) return;
    void action.run(async () => {
      try {
        const attachmentFileId = file ? await uploadFile(file, 'message_attachment', setStep) : undefined;
        setStep('Sending…');
        unwrap(await api.POST('/api/bookings/{id}/dispute', { params: { path: { id: bookingId } }, body: { reason, text, ...(attachmentFileId ? { attachmentFileId } : {}) } }));
        setSent(true);
        onReported();
      } finally {
        setStep(undefined);
      }
    });
  };
  if (sent) return <Notice>Your report is being recorded; it shows here in a moment.</Notice>;
  return (
    <details className="card">
      <summary>Report a problem with this lesson</summary>
      <form onSubmit={report} aria-label="Report a problem with the lesson">
        <p>The tutor’s payout waits until an admin decides, and both of you are emailed.</p>
        <SelectField label="What went wrong" required value={reason} onChange={(event) => setReason(event.target.value as Reason)}>
          <option value="">Choose…</option>
          {Object.entries(PROBLEM_REASONS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
        <TextAreaField label="Tell us what happened" required maxLength={4000} value={text} onChange={(event) => setText(event.target.value)} />
        <Field
          label="A screenshot or file (optional)"
          type="file"
          accept="image/png,image/jpeg,image/webp,application/pdf,text/plain"
          hint="PNG, JPEG, WebP, PDF or text, up to 20 MiB."
          onChange={(event) => setFile(event.target.files?.[0])}
        />
        {step ? <Notice>{step}</Notice> : null}
        <ErrorMessage message={action.error} />
        <button type="submit" className="danger" disabled={action.busy || !reason}>
          Report the problem
        </button>
      </form>
    </details>
  );
}

/** Admins: disputes waiting for a decision, oldest first, each decided with a refund and a reason. */
export function AdminDisputes() {
  const list = useLoad(async () => unwrap(await api.GET('/api/admin/disputes', { params: { query: { limit: 50 } } })), []);
  return (
    <Page title="Open disputes">
      <Show loaded={list}>
        {({ items }) =>
          items.length === 0 ? (
            <p>No dispute waits for a decision.</p>
          ) : (
            <ul className="cards" aria-label="Open disputes">
              {items.map((dispute) => (
                <li key={dispute.bookingId} className="card" data-booking-id={dispute.bookingId}>
                  <h2>{PROBLEM_REASONS[dispute.reason]}</h2>
                  <p className="muted">
                    Reported {formatInstant(dispute.openedAt)} · <Link to={`/admin/bookings/${dispute.bookingId}`}>booking {dispute.bookingId.slice(0, 8)}</Link>
                    {dispute.attachmentFileId ? ' · with an attachment' : ''}
                  </p>
                  <p className="review-text">{dispute.text}</p>
                  <DecideDispute bookingId={dispute.bookingId} onDecided={list.reload} />
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </Page>
  );
}

function DecideDispute({ bookingId, onDecided }: { bookingId: string; onDecided: () => void }) {
  const booking = useLoad(async () => unwrap(await api.GET('/api/bookings/{id}/timeline', { params: { path: { id: bookingId } } })).booking, [bookingId]);
  return <Show loaded={booking}>{(loaded) => <DecisionForm booking={loaded} onDecided={onDecided} />}</Show>;
}

function DecisionForm({ booking, onDecided }: { booking: Booking; onDecided: () => void }) {
  const remaining = booking.capturedMinor - booking.refundedMinor;
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const action = useAction();
  const decide = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      unwrap(await api.POST('/api/admin/bookings/{id}/dispute/decision', { params: { path: { id: booking.id } }, body: { refundMinor: toMinor(amount, booking.currency), reason } }));
      onDecided();
    });
  };
  return (
    <form className="actions" onSubmit={decide} aria-label={`Decide the dispute on booking ${booking.id.slice(0, 8)}`}>
      <p>
        Remaining of what was charged: <strong>{formatMoney(remaining, booking.currency)}</strong>. 0 pays the tutor in full; {toMajor(remaining, booking.currency)} refunds it all.
      </p>
      <Field label={`Refund to the student (${booking.currency})`} type="number" min="0" max={toMajor(remaining, booking.currency)} step="0.01" required value={amount} onChange={(event) => setAmount(event.target.value)} />
      <Field label="Reason (both parties are emailed it)" required value={reason} onChange={(event) => setReason(event.target.value)} />
      <ErrorMessage message={action.error} />
      <button type="submit" disabled={action.busy}>
        Decide
      </button>
    </form>
  );
}
