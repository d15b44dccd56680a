import { useEffect, useRef, useState } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { goToFakeCardForm, mountCardForm, paymentsMode, stripeReturn, type MountedCardForm } from '../payments.js';
import { useLocation } from '../router.js';
import { api } from '../session.js';
import { ErrorMessage, Notice, Page, Show, useAction, useLoad } from '../ui.js';

type SavedCard = Schemas['SavedCardList']['items'][number];

export function cardLabel(card: SavedCard): string {
  return `${card.brand[0]!.toUpperCase()}${card.brand.slice(1)} ending ${card.last4} (expires ${String(card.expMonth).padStart(2, '0')}/${card.expYear})`;
}

/** The student's saved cards, and a new one saved with Stripe (the fake's card form in development). */
export function PaymentMethods() {
  const cards = useLoad(async () => unwrap(await api.GET('/api/me/payment-methods')), []);
  return (
    <Page title="Payment methods">
      <SetupReturnNotice />
      <p>Lessons are paid with a saved card: it is authorized when you request a lesson and charged when the tutor accepts.</p>
      <Show loaded={cards}>
        {({ items }) =>
          items.length === 0 ? (
            <p>No saved cards yet.</p>
          ) : (
            <ul className="cards" aria-label="Saved cards">
              {items.map((card) => (
                <li key={card.id} className="card">
                  {cardLabel(card)}
                </li>
              ))}
            </ul>
          )
        }
      </Show>
      <AddCard returnPath="/cards" onSaved={cards.reload} />
    </Page>
  );
}

/** After Stripe's card form sent the browser back: whether the card was saved. */
export function SetupReturnNotice() {
  const { query } = useLocation();
  const returned = stripeReturn(query);
  if (returned?.kind !== 'setup') return null;
  return returned.status === 'succeeded' ? <Notice>Your card is saved.</Notice> : <ErrorMessage message="The card was not saved. Try again or use another card." />;
}

/**
 * "Add a card": asks the API for a SetupIntent, then collects the card with Stripe's Payment
 * Element in the page (production) or on the fake's hosted card form, which returns to `returnPath`.
 */
export function AddCard({ returnPath, onSaved }: { returnPath: string; onSaved: () => void }) {
  const [clientSecret, setClientSecret] = useState<string | undefined>();
  const action = useAction();
  const start = () =>
    action.run(async () => {
      const intent = unwrap(await api.POST('/api/me/payment-methods/setup-intent'));
      if (paymentsMode === 'fake') return goToFakeCardForm(intent.clientSecret, returnPath);
      if (paymentsMode === 'none') throw new Error('Cards cannot be saved here: no Stripe publishable key is configured (VITE_STRIPE_PUBLISHABLE_KEY).');
      setClientSecret(intent.clientSecret);
    });
  if (clientSecret) {
    return (
      <StripeCardForm
        clientSecret={clientSecret}
        returnPath={returnPath}
        onDone={(saved) => {
          setClientSecret(undefined);
          if (saved) onSaved();
        }}
      />
    );
  }
  return (
    <div className="actions">
      <button type="button" className="secondary" disabled={action.busy} onClick={() => void start()}>
        {action.busy ? 'Opening the card form…' : 'Add a card'}
      </button>
      <ErrorMessage message={action.error} />
    </div>
  );
}

function StripeCardForm({ clientSecret, returnPath, onDone }: { clientSecret: string; returnPath: string; onDone: (saved: boolean) => void }) {
  const container = useRef<HTMLDivElement>(null);
  const [form, setForm] = useState<MountedCardForm | undefined>();
  const action = useAction();
  useEffect(() => {
    let mounted: MountedCardForm | undefined;
    let live = true;
    void action.run(async () => {
      mounted = await mountCardForm(clientSecret, container.current!);
      if (live) setForm(mounted);
    });
    return () => {
      live = false;
      mounted?.destroy();
    };
  }, [clientSecret]);
  const save = () =>
    action.run(async () => {
      const refused = await form!.confirm(returnPath);
      if (refused) throw new Error(refused);
      onDone(true);
    });
  return (
    <form
      className="card"
      aria-label="New card"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <div ref={container} />
      <ErrorMessage message={action.error} />
      <div className="actions">
        <button type="submit" disabled={!form || action.busy}>
          {action.busy ? 'Saving…' : 'Save card'}
        </button>
        <button type="button" className="secondary" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
