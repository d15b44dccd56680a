/**
 * The web app's build and dev server. In development Vite serves the app with hot reload on
 * http://localhost:5173 (FRONTEND_BASE_URL: the emails' links point here) and proxies the API's
 * paths and the WebSocket to the API, so the app always calls its own origin, as it does when the
 * API serves the built assets in production.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The API's paths and its WebSocket, forwarded to the API at `target`. */
export function apiProxy(target: string) {
  return {
    '/api': target,
    '/health': target,
    '/openapi.json': target,
    '/docs': target,
    '/ws': { target: target.replace(/^http/, 'ws'), ws: true },
  };
}

/**
 * Builds for the local Stripe fake (development, the browser tests): 3-D Secure and saving a card
 * go to the fake's hosted pages at `url` (scripts/fakes/stripe-hosted-pages.ts), where Stripe.js
 * with VITE_STRIPE_PUBLISHABLE_KEY would run in production.
 */
export function stripeFakeDefines(url: string): Record<string, string> {
  return { 'import.meta.env.VITE_STRIPE_FAKE_URL': JSON.stringify(url.replace(/\/+$/, '')) };
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    host: 'localhost',
    port: 5173,
    strictPort: true,
    // `npm run dev` passes its API's address; `npm run web:dev` alone expects the API's default one.
    proxy: apiProxy('http://127.0.0.1:3000'),
  },
});
