import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { addDays, formatDay, formatInstant, formatMoney, formatTime, localDate, viewerZone } from '../format.js';
import { useRealtime, useRealtimeEvents } from '../realtime.js';
import { Link, navigate } from '../router.js';
import { api, useSession } from '../session.js';
import { ErrorMessage, Notice, Page, SelectField, Show, useAction, useLoad } from '../ui.js';
import { useEffect } from 'react';

type Slot = Schemas['BookableSlots']['slots'][number];

/** Stripe's test PaymentMethods, which the development Stripe fake accepts (and real test mode too). */
const TEST_CARDS = [
  { id: 'pm_card_visa', label: 'Test Visa (succeeds)' },
  { id: 'pm_card_threeDSecure2Required', label: 'Test card that asks for 3-D Secure' },
  { id: 'pm_card_chargeDeclined', label: 'Test card that is declined' },
];

/** In development (and in builds for the fakes, VITE_STRIPE_TEST_CARDS=true) Stripe's test cards are offered too. */
const SHOW_TEST_CARDS = import.meta.env.DEV || import.meta.env.VITE_STRIPE_TEST_CARDS === 'true';

export function TutorPage({ tutorId }: { tutorId: string }) {
  const session = useSession();
  const [weekOffset, setWeekOffset] = useState(0);
  const [length, setLength] = useState<number | undefined>();
  const [chosen, setChosen] = useState<Slot | undefined>();
  const profile = useLoad(async () => unwrap(await api.GET('/api/tutors/{id}', { params: { path: { id: tutorId } } })), [tutorId]);
  const from = localDate(addDays(new Date(), weekOffset * 7));
  const to = localDate(addDays(new Date(), weekOffset * 7 + 6));
  const slots = useLoad(
    async () =>
      unwrap(
        await api.GET('/api/tutors/{id}/slots', {
          params: { path: { id: tutorId }, query: { from, to, timeZone: viewerZone, ...(length ? { length } : {}) } },
        }),
      ),
    [tutorId, from, to, length],
  );
  // Someone else's booking (or the tutor's new hours) changes what is free: refresh at once.
  const { send } = useRealtime();
  useEffect(() => {
    send({ type: 'availability.watch', tutorId });
    return () => send({ type: 'availability.unwatch', tutorId });
  }, [send, tutorId]);
  useRealtimeEvents((event) => {
    if (event.type === 'availability.changed' && event.tutorId === tutorId) slots.reload();
    if (event.type === 'ready') send({ type: 'availability.watch', tutorId });
  });

  return (
    <Show loaded={profile}>
      {(tutor) => (
        <Page title={tutor.displayName}>
          <div className="card">
            <p className="lead">{tutor.headline}</p>
            <p>{tutor.bio}</p>
            <p className="muted">
              {formatMoney(tutor.hourlyRateMinor, tutor.currency)} per hour · {tutor.subjects.map((subject) => subject.name).join(', ')} · teaches in {tutor.languages.join(', ')} · lives in{' '}
              {tutor.timeZone} · {tutor.cancellationPolicy} cancellation policy
              {tutor.verificationStatus === 'verified' ? ' · verified' : ''}
            </p>
            {session?.account.role === 'student' ? <Link to={`/messages?with=${tutor.userId}`}>Message {tutor.displayName}</Link> : null}
          </div>
          <h2>Free times</h2>
          <p>
            Shown on your clock: <strong>{viewerZone}</strong> (the tutor is in {tutor.timeZone}).
          </p>
          <div className="toolbar">
            <SelectField label="Lesson length" value={length ?? tutor.lessonLengths[0] ?? ''} onChange={(event) => setLength(Number(event.target.value))}>
              {tutor.lessonLengths.map((minutes) => (
                <option key={minutes} value={minutes}>
                  {minutes} minutes — {formatMoney(Math.round((tutor.hourlyRateMinor * minutes) / 60), tutor.currency)}
                </option>
              ))}
            </SelectField>
            <button type="button" disabled={weekOffset === 0} onClick={() => setWeekOffset(weekOffset - 1)}>
              Previous week
            </button>
            <button type="button" onClick={() => setWeekOffset(weekOffset + 1)}>
              Next week
            </button>
          </div>
          <Show loaded={slots}>{(list) => <SlotGrid slots={list.slots} chosen={chosen} onChoose={setChosen} />}</Show>
          {chosen ? (
            session?.account.role === 'student' ? (
              <BookingForm tutor={tutor} slot={chosen} lengthMinutes={length ?? tutor.lessonLengths[0]!} />
            ) : (
              <p>
                <Link to={`/signin?next=/tutors/${tutorId}`}>Sign in as a student</Link> to book this time.
              </p>
            )
          ) : null}
        </Page>
      )}
    </Show>
  );
}

function SlotGrid({ slots, chosen, onChoose }: { slots: Slot[]; chosen: Slot | undefined; onChoose: (slot: Slot) => void }) {
  if (slots.length === 0) return <p>No free times this week.</p>;
  const days = new Map<string, Slot[]>();
  for (const slot of slots) {
    const day = localDate(new Date(slot.start));
    days.set(day, [...(days.get(day) ?? []), slot]);
  }
  return (
    <div className="days">
      {[...days.entries()].map(([day, list]) => (
        <fieldset key={day} className="day">
          <legend>{formatDay(list[0]!.start)}</legend>
          {list.map((slot) => (
            <button
              type="button"
              key={slot.start}
              className="slot"
              aria-pressed={chosen?.start === slot.start}
              aria-label={`${formatInstant(slot.start)}`}
              onClick={() => onChoose(slot)}
            >
              {formatTime(slot.start)}
            </button>
          ))}
        </fieldset>
      ))}
    </div>
  );
}

function BookingForm({ tutor, slot, lengthMinutes }: { tutor: Schemas['TutorProfile']; slot: Slot; lengthMinutes: number }) {
  const cards = useLoad(async () => unwrap(await api.GET('/api/me/payment-methods')), []);
  const [card, setCard] = useState<string>('');
  const [key] = useState(() => crypto.randomUUID());
  const [result, setResult] = useState<Schemas['BookingState'] | undefined>();
  const action = useAction();
  const saved = cards.data?.items ?? [];
  const paymentMethodId = card || saved[0]?.id || TEST_CARDS[0]!.id;
  const price = Math.round((tutor.hourlyRateMinor * lengthMinutes) / 60);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      // The same key for every retry of this form: a resend reaches the same booking, never a second one.
      const booking = unwrap(
        await api.POST('/api/bookings', {
          params: { header: { 'idempotency-key': `${key}:${slot.start}:${paymentMethodId}` } },
          body: { tutorId: tutor.userId, start: slot.start, lengthMinutes, paymentMethodId },
        }),
      );
      // 202: the workflow has not answered in time; the booking page follows it.
      if (!('status' in booking)) return navigate(`/bookings/${booking.bookingId}`);
      setResult(booking);
      if (!booking.paymentClientSecret) navigate(`/bookings/${booking.bookingId}`);
    });
  };

  return (
    <form className="card booking-form" onSubmit={submit} aria-labelledby="book-title">
      <h2 id="book-title">Book this lesson</h2>
      <p>
        <strong>{formatInstant(slot.start)}</strong>, {lengthMinutes} minutes, {formatMoney(price, tutor.currency)}. Your card is only authorized now; it is charged when {tutor.displayName}{' '}
        accepts{tutor.instantBooking ? ' (this tutor accepts at once)' : ''}.
      </p>
      <SelectField label="Pay with" value={paymentMethodId} onChange={(event) => setCard(event.target.value)}>
        {saved.map((method) => (
          <option key={method.id} value={method.id}>
            Saved {method.brand} ending {method.last4} (expires {method.expMonth}/{method.expYear})
          </option>
        ))}
        {SHOW_TEST_CARDS || saved.length === 0
          ? TEST_CARDS.filter((test) => !saved.some((method) => method.id === test.id)).map((test) => (
              <option key={test.id} value={test.id}>
                {test.label}
              </option>
            ))
          : null}
      </SelectField>
      <ErrorMessage message={cards.error} />
      <ErrorMessage message={action.error} />
      {result?.paymentClientSecret ? (
        <Notice>
          Your bank asks you to confirm this payment (3-D Secure). The booking waits for the confirmation; <Link to={`/bookings/${result.bookingId}`}>follow it here</Link>.
        </Notice>
      ) : null}
      <button type="submit" disabled={action.busy || cards.loading}>
        {action.busy ? 'Booking…' : `Request lesson for ${formatMoney(price, tutor.currency)}`}
      </button>
    </form>
  );
}
