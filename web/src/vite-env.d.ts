/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Stripe's publishable key (pk_…): Stripe.js finishes 3-D Secure and collects cards (web/src/payments.ts). */
  readonly VITE_STRIPE_PUBLISHABLE_KEY?: string;
  /** The local Stripe proxy, whose hosted pages stand in for Stripe.js in development and the browser tests. */
  readonly VITE_STRIPE_FAKE_URL?: string;
}
