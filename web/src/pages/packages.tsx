/**
 * Lesson packages and trial lessons (README "Lesson packages", "Trial lessons"): a tutor's offers on
 * their public page, bought with a saved card; the student's packages with their ledger and receipt;
 * the tutor's own offers and trial lesson.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { formatInstant, formatMoney, toMajor, toMinor } from '../format.js';
import { Link } from '../router.js';
import { api, useSession } from '../session.js';
import { ErrorMessage, Field, Notice, Page, SelectField, Show, StatusBadge, useAction, useLoad } from '../ui.js';
import { useActionKey } from './admin.js';
import { cardLabel } from './cards.js';

type Offer = Schemas['PackageOffer'];
type LedgerEntry = Schemas['CreditEntry'];

const ENTRY_LABELS: Record<LedgerEntry['kind'], string> = {
  purchase: 'bought',
  consume: 'used for a lesson',
  return: 'given back (lesson not held)',
  expire: 'expired (refunded)',
  refund: 'refunded',
};

const REFUND_REASONS: Record<Schemas['PackageReceipt']['refunds'][number]['reason'], string> = {
  pro_rata: 'unused credits refunded',
  expiry: 'unused credits at expiry',
  returned_after_expiry: 'a credit given back after expiry',
};

function offerTitle(offer: Pick<Offer, 'lessons' | 'lengthMinutes'>): string {
  return `${offer.lessons} lessons × ${offer.lengthMinutes} minutes`;
}

function credits(count: number): string {
  return `${count} ${count === 1 ? 'credit' : 'credits'}`;
}

/** A tutor's packages on their public page; a signed-in student buys one with a saved card. */
export function PackageOffers({ tutorId }: { tutorId: string }) {
  const session = useSession();
  const offers = useLoad(async () => unwrap(await api.GET('/api/tutors/{id}/package-offers', { params: { path: { id: tutorId } } })), [tutorId]);
  // Most tutors offer none: the section shows once there is something to show (or an error).
  if (!offers.data?.items.length && !offers.error) return null;
  return (
    <section aria-labelledby="packages-title">
      <h2 id="packages-title">Lesson packages</h2>
      <Show loaded={offers}>
        {(list) => (session?.account.role === 'student' ? <BuyPackage offers={list.items} /> : <OfferList offers={list.items} />)}
      </Show>
    </section>
  );
}

function OfferList({ offers, action }: { offers: Offer[]; action?: (offer: Offer) => ReactNode }) {
  return (
    <ul className="cards" aria-label="Package offers">
      {offers.map((offer) => (
        <li key={offer.id} className="card offer">
          <span>
            <strong>{offerTitle(offer)}</strong> — {formatMoney(offer.priceMinor, offer.currency)}
            {offer.discountPercent > 0 ? ` (${offer.discountPercent}\u00a0% off)` : ''} · {formatMoney(Math.round(offer.priceMinor / offer.lessons), offer.currency)} a lesson
          </span>
          {action?.(offer)}
        </li>
      ))}
    </ul>
  );
}

function BuyPackage({ offers }: { offers: Offer[] }) {
  const cards = useLoad(async () => unwrap(await api.GET('/api/me/payment-methods')), []);
  const [card, setCard] = useState('');
  const [offerId, setOfferId] = useState<string | undefined>();
  const [bought, setBought] = useState<Schemas['LessonPackage'] | undefined>();
  const action = useAction();
  const saved = cards.data?.items ?? [];
  const cardId = saved.some((method) => method.id === card) ? card : saved[0]?.id;
  // One key per card (and offer, below) until a purchase goes through: a resend is the same purchase.
  const key = useActionKey(cardId);
  const buy = (offer: Offer) => (event: FormEvent) => {
    event.preventDefault();
    if (!cardId) return;
    setOfferId(offer.id);
    setBought(undefined);
    void action.run(async () => {
      const pkg = unwrap(await api.POST('/api/packages', { params: { header: { 'idempotency-key': `${key.key}:${offer.id}` } }, body: { offerId: offer.id, paymentMethodId: cardId } }));
      key.spent();
      setBought(pkg);
    });
  };
  return (
    <>
      {cards.loading && !cards.data ? null : saved.length === 0 ? (
        <p>
          Save a card under <Link to="/cards">Payment methods</Link> to buy a package.
        </p>
      ) : (
        <SelectField label="Pay for a package with" value={cardId} onChange={(event) => setCard(event.target.value)}>
          {saved.map((method) => (
            <option key={method.id} value={method.id}>
              {cardLabel(method)}
            </option>
          ))}
        </SelectField>
      )}
      <OfferList
        offers={offers}
        action={(offer) => (
          <form onSubmit={buy(offer)} className="actions">
            <button type="submit" disabled={action.busy || !cardId} aria-label={`Buy ${offerTitle(offer)} for ${formatMoney(offer.priceMinor, offer.currency)}`}>
              {action.busy && offerId === offer.id ? 'Buying…' : 'Buy'}
            </button>
          </form>
        )}
      />
      <ErrorMessage message={cards.error ?? action.error} />
      {bought ? (
        <Notice>
          Bought: {offerTitle(bought)}, charged to your card now. {bought.status === 'active' ? `${credits(bought.creditsLeft)} to book with.` : 'The credits show in a moment.'}{' '}
          <Link to={`/packages/${bought.id}`}>See the package</Link>
        </Notice>
      ) : null}
    </>
  );
}

/** The student's packages, newest first. */
export function MyPackages() {
  const packages = useLoad(async () => unwrap(await api.GET('/api/me/packages')), []);
  return (
    <Page title="My packages">
      <Show loaded={packages}>
        {(list) =>
          list.items.length === 0 ? (
            <p>
              No packages yet: tutors who offer them list them on their page. <Link to="/tutors">Find a tutor</Link>
            </p>
          ) : (
            <ul className="cards" aria-label="Your packages">
              {list.items.map((pkg) => (
                <li key={pkg.id} className="card" data-testid="package">
                  <Link to={`/packages/${pkg.id}`}>{offerTitle(pkg)}</Link> <StatusBadge status={pkg.status} />
                  <p>
                    <strong data-testid="credits-left">{pkg.creditsLeft}</strong> of {pkg.lessons} credits left · {formatMoney(pkg.priceMinor, pkg.currency)} · expires {formatInstant(pkg.expiresAt)}
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </Page>
  );
}

/** One package: credits, ledger and receipt. */
export function PackageDetail({ packageId }: { packageId: string }) {
  const pkg = useLoad(async () => unwrap(await api.GET('/api/packages/{id}', { params: { path: { id: packageId } } })), [packageId]);
  const receipt = useLoad(async () => unwrap(await api.GET('/api/packages/{id}/receipt', { params: { path: { id: packageId } } })), [packageId]);
  return (
    <Page title="Lesson package" actions={<Link to="/packages">All my packages</Link>}>
      <Show loaded={pkg}>
        {(loaded) => (
          <section className="card" aria-labelledby="package-title" data-testid="package">
            <h2 id="package-title">
              {offerTitle(loaded)} <StatusBadge status={loaded.status} />
            </h2>
            <p>
              <strong data-testid="credits-left">{loaded.creditsLeft}</strong> of {loaded.lessons} credits left · expires {formatInstant(loaded.expiresAt)}; unused credits are then refunded pro
              rata.
            </p>
            {loaded.paymentFailure ? <ErrorMessage message={loaded.paymentFailure} /> : null}
            <h3>Credit ledger</h3>
            <ol aria-label="Credit ledger">
              {loaded.entries.map((entry, index) => (
                <li key={index}>
                  {formatInstant(entry.at)} — {credits(Math.abs(entry.credits))} {ENTRY_LABELS[entry.kind]}
                  {entry.amountMinor !== null ? ` (${formatMoney(entry.amountMinor, loaded.currency)})` : ''}
                  {entry.bookingId ? (
                    <>
                      {' '}
                      · <Link to={`/bookings/${entry.bookingId}`}>the lesson</Link>
                    </>
                  ) : null}
                </li>
              ))}
            </ol>
          </section>
        )}
      </Show>
      <Show loaded={receipt}>
        {(bill) => (
          <section className="card" aria-labelledby="receipt-title" data-testid="receipt">
            <h2 id="receipt-title">Receipt</h2>
            <p>
              {offerTitle(bill)} with {bill.tutorName}
            </p>
            <dl>
              <dt>Charged</dt>
              <dd>
                {formatMoney(bill.capturedMinor, bill.currency)}
                {bill.capturedAt ? ` on ${formatInstant(bill.capturedAt)}` : ''}
              </dd>
              {bill.refunds.map((refund, index) => (
                <div key={index}>
                  <dt>Refunded</dt>
                  <dd>
                    {formatMoney(refund.amountMinor, bill.currency)} on {formatInstant(refund.at)} — {credits(refund.credits)}, {REFUND_REASONS[refund.reason]}
                  </dd>
                </div>
              ))}
              <dt>Paid in all</dt>
              <dd>{formatMoney(bill.paidMinor, bill.currency)}</dd>
              <dt>Credits</dt>
              <dd>
                {bill.creditsUsed} used, {bill.creditsLeft} left
              </dd>
            </dl>
          </section>
        )}
      </Show>
    </Page>
  );
}

/** The tutor's package offers and trial lesson. */
export function TutorOffers() {
  const session = useSession();
  const me = session!.account.id;
  const profile = useLoad(async () => unwrap(await api.GET('/api/me/tutor-profile')), []);
  return (
    <Page title="Packages & trial lesson">
      <Show loaded={profile}>
        {(tutor) => (
          <>
            <TrialOfferForm tutorId={me} lengths={tutor.lessonLengths} currency={tutor.currency} />
            <ManageOffers tutorId={me} lengths={tutor.lessonLengths} />
          </>
        )}
      </Show>
    </Page>
  );
}

function ManageOffers({ tutorId, lengths }: { tutorId: string; lengths: number[] }) {
  const offers = useLoad(async () => unwrap(await api.GET('/api/tutors/{id}/package-offers', { params: { path: { id: tutorId } } })), [tutorId]);
  const [form, setForm] = useState({ lessons: 5, lengthMinutes: 0, discountPercent: 10 });
  const [done, setDone] = useState<string | undefined>();
  const action = useAction();
  const lengthMinutes = lengths.includes(form.lengthMinutes) ? form.lengthMinutes : (lengths[0] ?? 0);
  const create = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const offer = unwrap(await api.POST('/api/me/package-offers', { body: { ...form, lengthMinutes } }));
      setDone(`Offered: ${offerTitle(offer)} for ${formatMoney(offer.priceMinor, offer.currency)}.`);
      offers.reload();
    });
  };
  const retire = (offer: Offer) =>
    action.run(async () => {
      unwrap(await api.POST('/api/me/package-offers/{id}/retire', { params: { path: { id: offer.id } } }));
      setDone(`No longer sold: ${offerTitle(offer)}. Packages already bought keep their credits.`);
      offers.reload();
    });
  return (
    <section aria-labelledby="offers-title">
      <h2 id="offers-title">Lesson packages</h2>
      <Show loaded={offers}>
        {(list) =>
          list.items.length === 0 ? (
            <p>You offer no packages.</p>
          ) : (
            <OfferList
              offers={list.items}
              action={(offer) => (
                <button type="button" className="danger" disabled={action.busy} onClick={() => void retire(offer)} aria-label={`Stop selling ${offerTitle(offer)}`}>
                  Stop selling
                </button>
              )}
            />
          )
        }
      </Show>
      <form className="card" onSubmit={create} aria-labelledby="new-offer-title">
        <h3 id="new-offer-title">Offer a package</h3>
        <p className="muted">The price is your lesson price × the lessons, less the discount, fixed now.</p>
        <div className="toolbar">
          <Field label="Lessons" type="number" min={2} max={50} required value={form.lessons} onChange={(event) => setForm({ ...form, lessons: Number(event.target.value) })} />
          <SelectField label="Length" value={lengthMinutes} onChange={(event) => setForm({ ...form, lengthMinutes: Number(event.target.value) })}>
            {lengths.map((minutes) => (
              <option key={minutes} value={minutes}>
                {minutes} minutes
              </option>
            ))}
          </SelectField>
          <Field label="Discount (%)" type="number" min={0} max={50} required value={form.discountPercent} onChange={(event) => setForm({ ...form, discountPercent: Number(event.target.value) })} />
          <button type="submit" disabled={action.busy}>
            Offer package
          </button>
        </div>
      </form>
      {done ? <Notice>{done}</Notice> : null}
      <ErrorMessage message={action.error} />
    </section>
  );
}

function TrialOfferForm({ tutorId, lengths, currency }: { tutorId: string; lengths: number[]; currency: string }) {
  const trial = useLoad(async () => {
    const answer = await api.GET('/api/tutors/{id}/trial-offer', { params: { path: { id: tutorId } } });
    return answer.response.status === 404 ? null : unwrap(answer);
  }, [tutorId]);
  return (
    <section className="card" aria-labelledby="trial-title">
      <h2 id="trial-title">Trial lesson</h2>
      <p className="muted">One first lesson per student, at a length and price you set; a price of 0 is a free trial, booked without a card.</p>
      <Show loaded={trial}>{(offer) => <TrialEditor key={offer ? `${offer.lengthMinutes}:${offer.priceMinor}` : 'none'} offer={offer} lengths={lengths} currency={currency} onChanged={trial.reload} />}</Show>
    </section>
  );
}

function TrialEditor({ offer, lengths, currency, onChanged }: { offer: Schemas['TrialOffer'] | null; lengths: number[]; currency: string; onChanged: () => void }) {
  const [lengthMinutes, setLength] = useState(offer?.lengthMinutes ?? lengths[0] ?? 0);
  const [price, setPrice] = useState(offer ? toMajor(offer.priceMinor, offer.currency) : '0');
  const [done, setDone] = useState<string | undefined>();
  const action = useAction();
  const save = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const saved = unwrap(await api.PUT('/api/me/trial-offer', { body: { lengthMinutes, priceMinor: toMinor(price, currency) } }));
      setDone(`Trial lesson offered: ${saved.lengthMinutes} minutes, ${saved.priceMinor === 0 ? 'free' : formatMoney(saved.priceMinor, saved.currency)}.`);
      onChanged();
    });
  };
  const remove = () =>
    action.run(async () => {
      unwrap(await api.DELETE('/api/me/trial-offer'));
      setDone('You no longer offer a trial lesson.');
      onChanged();
    });
  return (
    <form onSubmit={save} aria-label="Trial lesson">
      <p data-testid="trial-status">{offer ? `You offer a ${offer.lengthMinutes}-minute trial lesson, ${offer.priceMinor === 0 ? 'free' : formatMoney(offer.priceMinor, offer.currency)}.` : 'You offer no trial lesson.'}</p>
      <div className="toolbar">
        <SelectField label="Trial length" value={lengthMinutes} onChange={(event) => setLength(Number(event.target.value))}>
          {lengths.map((minutes) => (
            <option key={minutes} value={minutes}>
              {minutes} minutes
            </option>
          ))}
        </SelectField>
        <Field label={`Trial price (${currency}, 0 = free)`} type="number" min={0} step="0.01" required value={price} onChange={(event) => setPrice(event.target.value)} />
        <button type="submit" disabled={action.busy}>
          Save trial lesson
        </button>
        {offer ? (
          <button type="button" className="danger" disabled={action.busy} onClick={() => void remove()}>
            Remove trial lesson
          </button>
        ) : null}
      </div>
      {done ? <Notice>{done}</Notice> : null}
      <ErrorMessage message={action.error} />
    </form>
  );
}
