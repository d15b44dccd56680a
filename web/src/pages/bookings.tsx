import { useEffect, useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { refundForCancellation } from '../../../domain/cancellation-policy.js';
import { formatInstant, formatMoney, STATUS_LABELS, viewerZone } from '../format.js';
import { useRealtime, useRealtimeEvents } from '../realtime.js';
import { authenticatePayment, pendingPaymentSecret, stripeReturn } from '../payments.js';
import { Link, useLocation } from '../router.js';
import { api, useSession } from '../session.js';
import { Timeline } from '../timeline.js';
import { SeriesList } from './series.js';
import { disputeOpened, ProblemShown, ReportProblem } from './disputes.js';
import { ErrorMessage, Field, Notice, Page, Show, StatusBadge, useAction, useLoad } from '../ui.js';

type Booking = Schemas['Booking'];
type BookingState = Schemas['BookingState'];

/** An action answers the booking's new state, or 202 when the workflow has not answered yet. */
function stateOf(answer: BookingState | { bookingId: string; detail: string }): BookingState | undefined {
  return 'status' in answer ? answer : undefined;
}

const LIVE = ['PENDING_PAYMENT', 'REQUESTED', 'SCHEDULED', 'ACTIVE'];
/** A new request first holds the time, then authorizes the card: look again shortly after the broadcast. */
const FOLLOW_UP_MS = [1_000, 3_000, 8_000];

/** Students' bookings, or a tutor's requests and lessons; a tutor's list follows new requests live. */
export function BookingList() {
  const session = useSession()!;
  const tutor = session.account.role === 'tutor';
  const list = useLoad(async () => unwrap(await api.GET('/api/bookings', { params: { query: { limit: 50 } } })), []);
  const { send } = useRealtime();
  useEffect(() => {
    if (tutor) send({ type: 'availability.watch', tutorId: session.account.id });
  }, [send, tutor, session.account.id]);
  useRealtimeEvents((event) => {
    if (event.type === 'ready' && tutor) send({ type: 'availability.watch', tutorId: session.account.id });
    if (event.type === 'availability.changed' && event.tutorId === session.account.id) {
      list.reload();
      for (const delay of FOLLOW_UP_MS) setTimeout(list.reload, delay);
    }
  });

  // A request waiting for the card's authorization moves on its own: look again until it has.
  const paying = list.data?.items.some((booking) => booking.status === 'PENDING_PAYMENT') ?? false;
  useEffect(() => {
    if (!paying) return;
    const timer = setInterval(list.reload, 3_000);
    return () => clearInterval(timer);
  }, [paying, list.reload]);

  return (
    <Page title={tutor ? 'Requests and lessons' : 'My bookings'}>
      <Show loaded={list}>
        {({ items }) => {
          const requests = items.filter((booking) => booking.status === 'REQUESTED' || (tutor && booking.status === 'PENDING_PAYMENT'));
          const upcoming = items.filter((booking) => LIVE.includes(booking.status) && !requests.includes(booking));
          const past = items.filter((booking) => !LIVE.includes(booking.status));
          return (
            <>
              {tutor ? (
                <section aria-labelledby="requests-title" aria-live="polite">
                  <h2 id="requests-title">Requests waiting for you ({requests.length})</h2>
                  {requests.length === 0 ? <p>No requests right now. New ones appear here as they arrive.</p> : <BookingTable items={requests} tutor onChanged={list.reload} />}
                </section>
              ) : null}
              <section aria-labelledby="upcoming-title">
                <h2 id="upcoming-title">{tutor ? 'Upcoming lessons' : 'Upcoming'}</h2>
                {(tutor ? upcoming : [...requests, ...upcoming]).length === 0 ? (
                  <p>
                    Nothing booked yet.{tutor ? '' : ' '}
                    {tutor ? null : <Link to="/tutors">Find a tutor</Link>}
                  </p>
                ) : (
                  <BookingTable items={tutor ? upcoming : [...requests, ...upcoming]} tutor={tutor} onChanged={list.reload} />
                )}
              </section>
              {tutor ? null : <SeriesList />}
              <section aria-labelledby="past-title">
                <h2 id="past-title">Past and closed</h2>
                {past.length === 0 ? <p>None yet.</p> : <BookingTable items={past} tutor={tutor} onChanged={list.reload} />}
              </section>
            </>
          );
        }}
      </Show>
    </Page>
  );
}

function BookingTable({ items, tutor, onChanged }: { items: Booking[]; tutor: boolean; onChanged: () => void }) {
  return (
    <ul className="bookings">
      {items.map((booking) => (
        <li key={booking.id} className="card booking-row" data-booking-id={booking.id}>
          <div>
            <Link to={`/bookings/${booking.id}`}>{formatInstant(booking.sessionStart)}</Link> <StatusBadge status={booking.status} />
            <p className="muted">
              {formatMoney(booking.priceMinor, booking.currency)} · {Math.round((Date.parse(booking.sessionEnd) - Date.parse(booking.sessionStart)) / 60_000)} minutes
              {booking.refundedMinor > 0 ? ` · refunded ${formatMoney(booking.refundedMinor, booking.currency)}` : ''}
            </p>
            {booking.meetingJoinUrl && (booking.status === 'SCHEDULED' || booking.status === 'ACTIVE') ? (
              <a href={booking.meetingJoinUrl} target="_blank" rel="noreferrer">
                Join on Zoom
              </a>
            ) : null}
          </div>
          {tutor && booking.status === 'REQUESTED' ? <AnswerRequest booking={booking} onChanged={onChanged} /> : null}
        </li>
      ))}
    </ul>
  );
}

function AnswerRequest({ booking, onChanged }: { booking: Booking; onChanged: () => void }) {
  const action = useAction();
  const answer = (decision: 'accept' | 'decline') =>
    action.run(async () => {
      const path = decision === 'accept' ? '/api/bookings/{id}/accept' : '/api/bookings/{id}/decline';
      unwrap(await api.POST(path, { params: { path: { id: booking.id } }, body: {} }));
      onChanged();
    });
  return (
    <div className="actions">
      <button type="button" disabled={action.busy} onClick={() => void answer('accept')}>
        Accept
      </button>
      <button type="button" className="secondary" disabled={action.busy} onClick={() => void answer('decline')}>
        Decline
      </button>
      <ErrorMessage message={action.error} />
    </div>
  );
}

type TimelineEvent = Schemas['BookingTimeline']['events'][number];
type Proposal = { proposedBy: 'student' | 'tutor'; sessionStart: string; sessionEnd: string };

/** A new time proposed and not yet answered, read from the timeline. */
function pendingProposal(events: TimelineEvent[]): Proposal | undefined {
  const last = events.filter((event) => event.type === 'reschedule.proposed' || event.type === 'reschedule.declined' || event.type === 'rescheduled').at(-1);
  return last?.type === 'reschedule.proposed' ? (last.data as Proposal) : undefined;
}

/** One booking: its state, what happened (the timeline) and what the viewer can do now. */
export function BookingDetail({ bookingId }: { bookingId: string }) {
  const session = useSession()!;
  const timeline = useLoad(async () => unwrap(await api.GET('/api/bookings/{id}/timeline', { params: { path: { id: bookingId } } })), [bookingId]);
  const state = useLoad(async () => unwrap(await api.GET('/api/bookings/{id}', { params: { path: { id: bookingId } } })), [bookingId]);
  const reload = () => {
    timeline.reload();
    state.reload();
  };
  // A booking waiting on payment, the tutor, or an answer to a new time moves by itself: look again while it is undecided.
  const proposed = timeline.data ? pendingProposal(timeline.data.events) !== undefined : false;
  // A reported problem answered 202 (the workflow had not taken it yet) shows once it has.
  const [reported, setReported] = useState(false);
  const disputed = timeline.data ? disputeOpened(timeline.data.events) !== undefined : false;
  const waiting = state.data?.status === 'PENDING_PAYMENT' || state.data?.status === 'REQUESTED' || proposed || (reported && !disputed);
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(reload, 3_000);
    return () => clearInterval(timer);
  }, [waiting]);

  return (
    <Show loaded={timeline}>
      {({ booking, events }) => (
        <Page title={`Lesson on ${formatInstant(booking.sessionStart)}`}>
          <div className="card">
            <p>
              Status: <StatusBadge status={state.data?.status ?? booking.status} /> <strong data-testid="status">{STATUS_LABELS[state.data?.status ?? booking.status]}</strong>
            </p>
            <p>
              {formatInstant(booking.sessionStart)} – {formatInstant(booking.sessionEnd)}
              <br />
              <span className="muted">The booking’s own time zone: {booking.timeZone}.</span>
            </p>
            <p>
              Price {formatMoney(booking.priceMinor, booking.currency)} · charged {formatMoney(booking.capturedMinor, booking.currency)} · refunded{' '}
              <strong data-testid="refunded">{formatMoney(state.data?.refundedMinor ?? booking.refundedMinor, booking.currency)}</strong>
            </p>
            {state.data?.status === 'PAYMENT_FAILED' ? <ErrorMessage message={`The card was not authorized${state.data.closeReason ? `: ${state.data.closeReason}` : ''}.`} /> : null}
            <PaymentReturnNotice status={state.data?.status} />
            {state.data?.status === 'PENDING_PAYMENT' ? (
              <PendingPayment bookingId={booking.id} clientSecret={session.account.role === 'student' ? pendingPaymentSecret(booking.id) : undefined} />
            ) : null}
            {booking.meetingJoinUrl ? (
              <p>
                <a href={booking.meetingJoinUrl} target="_blank" rel="noreferrer">
                  Join the lesson on Zoom
                </a>
              </p>
            ) : null}
            <p>
              <Link to={`/messages?with=${session.account.role === 'student' ? booking.tutorId : booking.studentId}`}>Message the {session.account.role === 'student' ? 'tutor' : 'student'}</Link>
            </p>
          </div>
          {state.data ? <BookingActions booking={booking} state={state.data} proposal={pendingProposal(events)} role={session.account.role} onChanged={reload} /> : null}
          {(state.data?.status ?? booking.status) === 'ENDED' ? (
            <p className="card">
              <Link to={`/bookings/${booking.id}/review`}>{session.account.role === 'student' ? 'Review the lesson' : 'The lesson’s review'}</Link>
            </p>
          ) : null}
          <ProblemShown events={events} currency={booking.currency} />
          {session.account.role === 'student' && state.data?.status === 'ENDED' && !disputed && state.data.capturedMinor > state.data.refundedMinor ? (
            <ReportProblem
              bookingId={booking.id}
              onReported={() => {
                setReported(true);
                reload();
              }}
            />
          ) : null}
          {session.account.role === 'student' ? <Receipt bookingId={booking.id} version={`${state.data?.status}:${state.data?.refundedMinor}`} /> : null}
          <Timeline events={events} />
        </Page>
      )}
    </Show>
  );
}

/** The student's receipt: what was charged and each refund, with its time and zone. */
function Receipt({ bookingId, version }: { bookingId: string; version: string }) {
  const receipt = useLoad(async () => unwrap(await api.GET('/api/bookings/{id}/receipt', { params: { path: { id: bookingId } } })), [bookingId, version]);
  return (
    <section className="card" aria-labelledby="receipt-title">
      <h2 id="receipt-title">Receipt</h2>
      <Show loaded={receipt}>
        {(paid) => (
          <>
            <p>
              {paid.tutorName}, {formatInstant(paid.sessionStart)}. Price {formatMoney(paid.priceMinor, paid.currency)}.
            </p>
            <ul>
              {paid.capturedAt ? (
                <li>
                  Charged {formatMoney(paid.capturedMinor, paid.currency)} on {formatInstant(paid.capturedAt)}
                </li>
              ) : null}
              {paid.releasedAt ? <li>The hold on your card was released on {formatInstant(paid.releasedAt)}; nothing was charged</li> : null}
              {paid.refunds.map((refund) => (
                <li key={refund.at}>
                  Refunded {formatMoney(refund.amountMinor, paid.currency)} on {formatInstant(refund.at)}
                  {refund.reason ? ` (${refund.reason})` : ''}
                </li>
              ))}
            </ul>
            <p>
              You paid <strong data-testid="receipt-paid">{formatMoney(paid.paidMinor, paid.currency)}</strong>.
            </p>
          </>
        )}
      </Show>
    </section>
  );
}

/** Back from Stripe's 3-D Secure challenge (?redirect_status=…&payment_intent=…): what the bank said. */
function PaymentReturnNotice({ status }: { status: string | undefined }) {
  const { query } = useLocation();
  const returned = stripeReturn(query);
  if (returned?.kind !== 'payment') return null;
  if (returned.status === 'failed') return <ErrorMessage message="Your bank did not confirm the payment (3-D Secure failed), so the card was not authorized." />;
  return <Notice>{status === 'PENDING_PAYMENT' ? 'Your bank confirmed the payment; the booking goes on in a moment.' : 'Your bank confirmed the payment.'}</Notice>;
}

/** A booking waiting for the card: the student may still owe the bank its 3-D Secure confirmation. */
function PendingPayment({ bookingId, clientSecret }: { bookingId: string; clientSecret: string | undefined }) {
  const action = useAction();
  const confirm = () =>
    action.run(async () => {
      const outcome = await authenticatePayment(clientSecret!, `/bookings/${bookingId}`);
      if (outcome === 'failed') throw new Error('Your bank did not confirm the payment. Try again.');
    });
  if (!clientSecret) return <Notice>Waiting for the card’s authorization.</Notice>;
  return (
    <div className="actions">
      <p>Your bank asks you to confirm this payment (3-D Secure) before the request goes to the tutor.</p>
      <button type="button" disabled={action.busy} onClick={() => void confirm()}>
        Confirm with your bank
      </button>
      <ErrorMessage message={action.error} />
    </div>
  );
}

function BookingActions({ booking, state, proposal, role, onChanged }: { booking: Booking; state: Booking; proposal: Proposal | undefined; role: string; onChanged: () => void }) {
  const tutorProfile = useLoad(async () => unwrap(await api.GET('/api/tutors/{id}', { params: { path: { id: booking.tutorId } } })), [booking.tutorId]);
  const [reason, setReason] = useState('');
  const [newStart, setNewStart] = useState('');
  const [cancelled, setCancelled] = useState<BookingState | 'accepted' | undefined>();
  const action = useAction();
  const status = state.status;
  const cancellable = status === 'REQUESTED' || status === 'SCHEDULED' || status === 'PENDING_PAYMENT';
  const remaining = state.capturedMinor - state.refundedMinor;
  const started = Date.parse(booking.sessionStart) <= Date.now();
  const lengthMinutes = Math.round((Date.parse(booking.sessionEnd) - Date.parse(booking.sessionStart)) / 60_000);
  const refund =
    status === 'SCHEDULED' && tutorProfile.data
      ? refundForCancellation({
          policy: tutorProfile.data.cancellationPolicy,
          cancelledBy: role === 'tutor' ? 'tutor' : 'student',
          capturedMinor: remaining,
          cancelledAt: new Date(),
          sessionStart: new Date(booking.sessionStart),
        })
      : undefined;

  const cancel = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      setCancelled(stateOf(unwrap(await api.POST('/api/bookings/{id}/cancel', { params: { path: { id: booking.id } }, body: { reason } }))) ?? 'accepted');
      onChanged();
    });
  };
  const reschedule = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      unwrap(await api.POST('/api/bookings/{id}/reschedule', { params: { path: { id: booking.id } }, body: { start: new Date(newStart).toISOString(), lengthMinutes } }));
      onChanged();
    });
  };
  const answer = (accept: boolean) =>
    action.run(async () => {
      unwrap(await api.POST('/api/bookings/{id}/reschedule/answer', { params: { path: { id: booking.id } }, body: { accept } }));
      onChanged();
    });
  const noShow = () =>
    action.run(async () => {
      unwrap(await api.POST('/api/bookings/{id}/no-show', { params: { path: { id: booking.id } }, body: {} }));
      onChanged();
    });

  return (
    <section className="card" aria-labelledby="actions-title">
      <h2 id="actions-title">What you can do</h2>
      <ErrorMessage message={action.error} />
      {cancelled === 'accepted' ? <Notice>Your cancellation is being carried out; the refund shows above in a moment.</Notice> : null}
      {cancelled && cancelled !== 'accepted' ? (
        <Notice>
          Cancelled. Refund: <strong data-testid="refund-result">{formatMoney(cancelled.refundedMinor, booking.currency)}</strong>
          {cancelled.capturedMinor === 0 ? ' — nothing was charged; the hold on the card is released.' : ' back to the card.'}
        </Notice>
      ) : null}
      {proposal && proposal.proposedBy === role ? <Notice>You proposed {formatInstant(proposal.sessionStart)}; waiting for an answer.</Notice> : null}
      {proposal && proposal.proposedBy !== role ? (
        <div className="actions">
          <p>
            New time proposed: {formatInstant(proposal.sessionStart)}. <button onClick={() => void answer(true)}>Accept the new time</button>{' '}
            <button className="secondary" onClick={() => void answer(false)}>
              Keep the old time
            </button>
          </p>
        </div>
      ) : null}
      {role === 'tutor' && status === 'REQUESTED' ? <AnswerRequest booking={booking} onChanged={onChanged} /> : null}
      {cancellable ? (
        <form onSubmit={cancel} aria-label="Cancel the booking">
          <p>
            {status === 'SCHEDULED'
              ? refund
                ? `Cancelling now refunds ${formatMoney(refund.amountMinor, booking.currency)} (${refund.percent}% of ${formatMoney(remaining, booking.currency)}${role === 'tutor' ? ', a tutor’s cancellation refunds in full' : `, ${tutorProfile.data?.cancellationPolicy} policy`}).`
                : 'Working out the refund…'
              : 'Nothing has been charged yet: cancelling releases the hold on the card.'}
          </p>
          <Field label="Reason for cancelling" required value={reason} onChange={(event) => setReason(event.target.value)} />
          <button type="submit" className="danger" disabled={action.busy}>
            Cancel booking
          </button>
        </form>
      ) : null}
      {status === 'SCHEDULED' && !started ? (
        <form onSubmit={reschedule} aria-label="Propose a new time">
          <Field label={`New start (${viewerZone})`} type="datetime-local" required value={newStart} onChange={(event) => setNewStart(event.target.value)} />
          <button type="submit" className="secondary" disabled={action.busy}>
            Propose new time
          </button>
        </form>
      ) : null}
      {(status === 'ACTIVE' || status === 'ENDED') && started ? (
        <button type="button" className="secondary" disabled={action.busy} onClick={() => void noShow()}>
          Report that the {role === 'student' ? 'tutor' : 'student'} did not show up
        </button>
      ) : null}
      {!cancellable && status !== 'ACTIVE' && status !== 'ENDED' ? <p>This booking is closed.</p> : null}
    </section>
  );
}
