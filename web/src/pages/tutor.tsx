import { useEffect, useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { addDays, formatDay, formatInstant, formatMoney, formatTime, localDate, viewerZone } from '../format.js';
import { authenticatePayment } from '../payments.js';
import { useRealtime, useRealtimeEvents } from '../realtime.js';
import { Link, navigate, useLocation } from '../router.js';
import { api, useSession } from '../session.js';
import { ErrorMessage, Field, Notice, Page, SelectField, Show, useAction, useLoad } from '../ui.js';
import { AddCard, cardLabel, SetupReturnNotice } from './cards.js';
import { PackageOffers } from './packages.js';
import { TutorReviews } from './reviews.js';

type Slot = Schemas['BookableSlots']['slots'][number];

const WEEK_MS = 7 * 86_400_000;

export function TutorPage({ tutorId }: { tutorId: string }) {
  const session = useSession();
  // Back from saving a card (?slot=…&length=…): the time the student had chosen is chosen again.
  const { query } = useLocation();
  const returnedSlot = query.get('slot') ?? undefined;
  const [weekOffset, setWeekOffset] = useState(() => (returnedSlot ? Math.max(0, Math.floor((Date.parse(returnedSlot) - Date.now()) / WEEK_MS)) : 0));
  const [length, setLength] = useState<number | undefined>(() => (query.get('length') ? Number(query.get('length')) : undefined));
  const [chosenStart, setChosenStart] = useState<string | undefined>(returnedSlot);
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

  const chosen = slots.data?.slots.find((slot) => slot.start === chosenStart);

  return (
    <Show loaded={profile}>
      {(tutor) => (
        <Page title={tutor.displayName}>
          <SetupReturnNotice />
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
          <PackageOffers tutorId={tutorId} />
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
          <Show loaded={slots}>{(list) => <SlotGrid slots={list.slots} chosen={chosen} onChoose={(slot) => setChosenStart(slot.start)} />}</Show>
          {chosen ? (
            session?.account.role === 'student' ? (
              <BookingForm tutor={tutor} slot={chosen} lengthMinutes={length ?? tutor.lessonLengths[0]!} />
            ) : (
              <p>
                <Link to={`/signin?next=/tutors/${tutorId}`}>Sign in as a student</Link> to book this time.
              </p>
            )
          ) : null}
          <TutorReviews tutorId={tutorId} rating={tutor.rating} />
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

/** How a lesson is paid: a saved card (its id), the student's trial with this tutor, or a package credit. */
type PayChoice = { kind: 'card'; paymentMethodId: string } | { kind: 'trial' } | { kind: 'credit' };

function BookingForm({ tutor, slot, lengthMinutes }: { tutor: Schemas['TutorProfile']; slot: Slot; lengthMinutes: number }) {
  const cards = useLoad(async () => unwrap(await api.GET('/api/me/payment-methods')), []);
  // A trial the tutor offers (404: none) and package credits with this tutor, each for one lesson length.
  const trial = useLoad(async () => {
    const answer = await api.GET('/api/tutors/{id}/trial-offer', { params: { path: { id: tutor.userId } } });
    return answer.response.status === 404 ? null : unwrap(answer);
  }, [tutor.userId]);
  const packages = useLoad(async () => unwrap(await api.GET('/api/me/packages')), []);
  const [choice, setChoice] = useState<string>('');
  const [key] = useState(() => crypto.randomUUID());
  const [result, setResult] = useState<Schemas['BookingState'] | undefined>();
  const [weekly, setWeekly] = useState(false);
  const [weeks, setWeeks] = useState(4);
  const action = useAction();
  const saved = cards.data?.items ?? [];
  const trialOffer = trial.data?.available && trial.data.lengthMinutes === lengthMinutes ? trial.data : undefined;
  const credits = (packages.data?.items ?? [])
    .filter((pack) => pack.status === 'active' && pack.tutorId === tutor.userId && pack.lengthMinutes === lengthMinutes)
    .reduce((sum, pack) => sum + pack.creditsLeft, 0);
  const options: { value: string; label: string; pay: PayChoice }[] = [
    ...(credits > 0 ? [{ value: 'credit', label: `A package credit (${credits} left)`, pay: { kind: 'credit' } as const }] : []),
    ...(trialOffer ? [{ value: 'trial', label: `Your trial lesson${trialOffer.priceMinor === 0 ? ', free' : `, ${formatMoney(trialOffer.priceMinor, trialOffer.currency)}`}`, pay: { kind: 'trial' } as const }] : []),
    ...saved.map((method) => ({ value: method.id, label: cardLabel(method), pay: { kind: 'card', paymentMethodId: method.id } as const })),
  ];
  const pay = (options.find((option) => option.value === choice) ?? options[0])?.pay;
  // A paid trial still needs a card for its hold.
  const paymentMethodId = pay?.kind === 'card' ? pay.paymentMethodId : pay?.kind === 'trial' && trialOffer && trialOffer.priceMinor > 0 ? saved[0]?.id : undefined;
  const payable = pay !== undefined && (pay.kind !== 'trial' || !trialOffer || trialOffer.priceMinor === 0 || paymentMethodId !== undefined);
  const price = pay?.kind === 'trial' && trialOffer ? trialOffer.priceMinor : pay?.kind === 'credit' ? 0 : Math.round((tutor.hourlyRateMinor * lengthMinutes) / 60);
  const here = `/tutors/${tutor.userId}?slot=${encodeURIComponent(slot.start)}&length=${lengthMinutes}`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!pay || !payable) return;
    if (weekly) return pay.kind === 'card' ? void bookWeekly(pay.paymentMethodId) : undefined;
    void action.run(async () => {
      // The same key for every retry of this form: a resend reaches the same booking, never a second one.
      const booking = unwrap(
        await api.POST('/api/bookings', {
          params: { header: { 'idempotency-key': `${key}:${slot.start}:${pay.kind}:${paymentMethodId ?? ''}` } },
          body: { tutorId: tutor.userId, start: slot.start, lengthMinutes, payWith: pay.kind, ...(paymentMethodId ? { paymentMethodId } : {}) },
        }),
      );
      // 202: the workflow has not answered in time; the booking page follows it.
      if (!('status' in booking)) return navigate(`/bookings/${booking.bookingId}`);
      setResult(booking);
      if (!booking.paymentClientSecret) return navigate(`/bookings/${booking.bookingId}`);
      // The bank asks the student to confirm (3-D Secure): Stripe's challenge, then the booking page.
      const outcome = await authenticatePayment(booking.paymentClientSecret, `/bookings/${booking.bookingId}`, booking.bookingId);
      if (outcome === 'failed') throw new Error('Your bank did not confirm the payment, so the card was not authorized. Try again or use another card.');
      if (outcome === 'succeeded') navigate(`/bookings/${booking.bookingId}`);
    });
  };

  // Weekly: one series whose workflow books each week (off-session, on the saved card) a few days ahead.
  const bookWeekly = (card: string) =>
    action.run(async () => {
      const series = unwrap(
        await api.POST('/api/series', {
          params: { header: { 'idempotency-key': `${key}:weekly:${slot.start}:${weeks}:${card}` } },
          body: { tutorId: tutor.userId, start: slot.start, lengthMinutes, weeks, paymentMethodId: card },
        }),
      );
      navigate('id' in series ? `/series/${series.id}` : '/bookings');
    });

  return (
    <div className="card booking-form">
      <form onSubmit={submit} aria-labelledby="book-title">
        <h2 id="book-title">Book this lesson</h2>
        <p>
          <strong>{formatInstant(slot.start)}</strong>, {lengthMinutes} minutes, {formatMoney(price, tutor.currency)}. Your card is only authorized now; it is charged when {tutor.displayName}{' '}
          accepts{tutor.instantBooking ? ' (this tutor accepts at once)' : ''}.
        </p>
        {cards.loading && !cards.data ? null : options.length === 0 ? (
          <p>You have no saved card yet: add one to book.</p>
        ) : (
          <SelectField label="Pay with" value={options.some((option) => option.value === choice) ? choice : options[0]!.value} onChange={(event) => setChoice(event.target.value)}>
            {options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </SelectField>
        )}
        {pay?.kind === 'card' ? (
          <div className="field checkbox">
            <input id="weekly" type="checkbox" checked={weekly} onChange={(event) => setWeekly(event.target.checked)} />
            <label htmlFor="weekly">Every week at this time</label>
          </div>
        ) : null}
        {weekly && pay?.kind === 'card' ? <Field label="For how many weeks" type="number" min={2} max={26} required value={weeks} onChange={(event) => setWeeks(Number(event.target.value))} /> : null}
        <ErrorMessage message={cards.error} />
        <ErrorMessage message={action.error} />
        {result?.paymentClientSecret ? (
          <Notice>
            Your bank asks you to confirm this payment (3-D Secure). The booking waits for the confirmation; <Link to={`/bookings/${result.bookingId}`}>follow it here</Link>.
          </Notice>
        ) : null}
        <div className="actions">
          <button type="submit" disabled={action.busy || !payable}>
            {action.busy
              ? 'Booking…'
              : weekly && pay?.kind === 'card'
                ? `Request ${weeks} weekly lessons, ${formatMoney(price, tutor.currency)} each`
                : pay?.kind === 'credit'
                  ? 'Request lesson with a credit'
                  : `Request lesson for ${formatMoney(price, tutor.currency)}`}
          </button>
        </div>
      </form>
      <AddCard returnPath={here} onSaved={cards.reload} />
    </div>
  );
}
