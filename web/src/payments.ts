/**
 * The two moments the cardholder talks to Stripe from the page: finishing 3-D Secure on a booking's
 * PaymentIntent, and saving a new card on a SetupIntent. The API only hands over client secrets;
 * the card data never touches it.
 * - Production (VITE_STRIPE_PUBLISHABLE_KEY): Stripe.js, loaded from js.stripe.com. 3-D Secure
 *   with `handleNextAction` (Stripe's challenge in a modal in the page); a card with the Payment
 *   Element and `confirmSetup`. Stripe's webhook then moves the booking on.
 * - Development and the browser tests (VITE_STRIPE_FAKE_URL, the local Stripe proxy): the fake's
 *   hosted pages play Stripe's challenge and card form; the browser goes there and comes back to
 *   `returnPath` with Stripe's redirect query (`redirect_status`, the intent's id), and the fake
 *   sends the signed webhook to the API (scripts/fakes/stripe-hosted-pages.ts).
 */
import type { Stripe, StripeElements, StripePaymentElement } from '@stripe/stripe-js';

const PUBLISHABLE_KEY: string | undefined = import.meta.env.VITE_STRIPE_PUBLISHABLE_KEY || undefined;
const FAKE_URL: string | undefined = import.meta.env.VITE_STRIPE_FAKE_URL || undefined;

export type PaymentsMode = 'stripe' | 'fake' | 'none';
export const paymentsMode: PaymentsMode = PUBLISHABLE_KEY ? 'stripe' : FAKE_URL ? 'fake' : 'none';

let stripe: Promise<Stripe | null> | undefined;
/** Stripe.js, loaded once and only when a payment needs it. */
export function loadStripeJs(): Promise<Stripe> {
  stripe ??= import('@stripe/stripe-js').then(({ loadStripe }) => loadStripe(PUBLISHABLE_KEY!));
  return stripe.then((loaded) => {
    if (!loaded) throw new Error('Stripe.js could not be loaded; check your connection and try again.');
    return loaded;
  });
}

/** `pi_…_secret_…` → `pi_…`: the intent a client secret belongs to, as Stripe.js reads it. */
function intentIdOf(clientSecret: string): string {
  return clientSecret.split('_secret_')[0]!;
}

function absolute(path: string): string {
  return new URL(path, location.origin).toString();
}

/**
 * Finishes the bank's 3-D Secure check of a payment. 'succeeded' or 'failed' when done in the page
 * (Stripe.js); 'redirected' when the browser is on its way to the fake's challenge page (it comes
 * back to `returnPath`).
 */
export async function authenticatePayment(clientSecret: string, returnPath: string, bookingId?: string): Promise<'succeeded' | 'failed' | 'redirected'> {
  // The booking page can offer the check again (the modal closed, the tab reloaded) from this tab's memory.
  if (bookingId) sessionStorage.setItem(`${PENDING_KEY}${bookingId}`, clientSecret);
  if (paymentsMode === 'stripe') {
    const { error } = await (await loadStripeJs()).handleNextAction({ clientSecret });
    return error ? 'failed' : 'succeeded';
  }
  if (paymentsMode === 'fake') {
    const page = new URL(`${FAKE_URL}/_fake/stripe/hosted/payment_intents/${encodeURIComponent(intentIdOf(clientSecret))}/authenticate`);
    page.searchParams.set('client_secret', clientSecret);
    page.searchParams.set('return_url', absolute(returnPath));
    location.assign(page);
    return 'redirected';
  }
  throw new Error('Card payments are not configured here (no Stripe publishable key).');
}

const PENDING_KEY = 'tutorflow.payment-secret.';

/** The client secret of a booking's payment this tab started and the bank wants confirmed, if any. */
export function pendingPaymentSecret(bookingId: string): string | undefined {
  return sessionStorage.getItem(`${PENDING_KEY}${bookingId}`) ?? undefined;
}

/** A card form mounted in the page (Stripe's Payment Element). */
export interface MountedCardForm {
  /** Saves the card; an error message when Stripe refused it (shown beside the form). */
  confirm(returnPath: string): Promise<string | undefined>;
  destroy(): void;
}

/** Mounts the Payment Element for a SetupIntent (production only). */
export async function mountCardForm(clientSecret: string, container: HTMLElement): Promise<MountedCardForm> {
  const stripeJs = await loadStripeJs();
  const elements: StripeElements = stripeJs.elements({ clientSecret, appearance: { theme: 'stripe' } });
  const element: StripePaymentElement = elements.create('payment');
  element.mount(container);
  return {
    async confirm(returnPath) {
      // Cards confirm in the page; only a payment method that must leave the page uses return_url.
      const { error } = await stripeJs.confirmSetup({ elements, confirmParams: { return_url: absolute(returnPath) }, redirect: 'if_required' });
      return error?.message;
    },
    destroy: () => element.destroy(),
  };
}

/** Development: the fake's hosted card form for this SetupIntent, which returns to `returnPath`. */
export function goToFakeCardForm(clientSecret: string, returnPath: string): void {
  const page = new URL(`${FAKE_URL}/_fake/stripe/hosted/setup_intents/${encodeURIComponent(intentIdOf(clientSecret))}`);
  page.searchParams.set('client_secret', clientSecret);
  page.searchParams.set('return_url', absolute(returnPath));
  location.assign(page);
}

/** What Stripe's redirect back to the app says, if this page is one (query: redirect_status and the intent). */
export function stripeReturn(query: URLSearchParams): { kind: 'payment' | 'setup'; status: 'succeeded' | 'failed' } | undefined {
  const status = query.get('redirect_status');
  if (status !== 'succeeded' && status !== 'failed') return undefined;
  if (query.has('payment_intent')) return { kind: 'payment', status };
  if (query.has('setup_intent')) return { kind: 'setup', status };
  return undefined;
}
