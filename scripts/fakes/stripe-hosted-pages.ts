/**
 * The pages Stripe shows the cardholder, for development and the browser tests, where Stripe.js
 * cannot run (no publishable key, no internet): the web app sends the browser here instead of
 * calling Stripe.js, and the page returns it to the app's `return_url` with the query Stripe's
 * redirects carry (`payment_intent` | `setup_intent`, `…_client_secret`, `redirect_status`), as
 * Stripe does for redirect-based confirmation (docs.stripe.com/payments/3d-secure, "return_url").
 *
 * - `GET /_fake/stripe/hosted/payment_intents/{id}/authenticate?client_secret=…&return_url=…`: the
 *   3-D Secure challenge of a requires_action PaymentIntent (Stripe's "3D Secure 2 Test Page":
 *   complete or fail). Completing authorizes the intent and Stripe's webhook goes to the API
 *   (payment_intent.amount_capturable_updated for a manual-capture hold, payment_intent.succeeded
 *   otherwise; payment_intent.payment_failed when failed), signed with the endpoint's secret.
 * - `GET /_fake/stripe/hosted/setup_intents/{id}?client_secret=…&return_url=…`: choose one of
 *   Stripe's test cards to save (the part of the Payment Element that collects a card); it
 *   confirms the SetupIntent (a declining card is refused on the page, a 3-D Secure card asks for
 *   the challenge first), the card is attached to the intent's customer, and setup_intent.succeeded
 *   goes to the webhook endpoint.
 * The client secret identifies the intent, as it does for Stripe.js: a wrong one is a 404.
 */
import type http from 'node:http';
import type { Answer, Json, StripeModel } from './stripe-state.js';
import type { WebhookSender } from './stripe-webhook-sender.js';

/** The test cards offered to save, as Stripe's docs name them. */
const SAVEABLE_TEST_CARDS = [
  { id: 'pm_card_visa', label: 'Visa ending 4242 (succeeds)' },
  { id: 'pm_card_mastercard', label: 'Mastercard ending 4444 (succeeds)' },
  { id: 'pm_card_threeDSecure2Required', label: 'Visa ending 3220 (asks for 3-D Secure)' },
  { id: 'pm_card_chargeDeclined', label: 'Visa ending 0002 (declined)' },
];

const FORM_MAX_BYTES = 16 * 1024;

interface HostedDeps {
  model: StripeModel;
  webhooks: WebhookSender;
}

/** Handles a hosted page request (path after `/_fake/stripe/hosted/`); false when no page matches. */
export async function handleHostedPage(req: http.IncomingMessage, res: http.ServerResponse, path: string, { model, webhooks }: HostedDeps): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const form = req.method === 'POST' ? await readForm(req) : url.searchParams;
  const clientSecret = form.get('client_secret') ?? '';
  const returnUrl = parseReturnUrl(form.get('return_url'));
  if (!returnUrl) {
    sendHtml(res, 400, page('Cannot continue', '<p>The return_url is missing or is not an http(s) URL.</p>'));
    return true;
  }
  const route = `${req.method ?? 'GET'} ${path}`;
  let match: RegExpMatchArray | null;

  if ((match = route.match(/^(GET|POST) payment_intents\/([^/]+)\/authenticate$/))) {
    const [, method, id] = match as [string, string, string];
    await paymentIntentChallenge(res, { model, webhooks }, { method, id, clientSecret, returnUrl, outcome: form.get('outcome') });
    return true;
  }
  if ((match = route.match(/^(GET|POST) setup_intents\/([^/]+)(?:\/(confirm|authenticate))?$/))) {
    const [, method, id, step] = match as [string, string, string, string | undefined];
    if ((method === 'GET') !== (step === undefined)) return false;
    await setupIntentPages(res, { model, webhooks }, { step: step as 'confirm' | 'authenticate' | undefined, id, clientSecret, returnUrl, form });
    return true;
  }
  return false;
}

async function paymentIntentChallenge(
  res: http.ServerResponse,
  { model, webhooks }: HostedDeps,
  { method, id, clientSecret, returnUrl, outcome }: { method: string; id: string; clientSecret: string; returnUrl: URL; outcome: string | null },
): Promise<void> {
  const intent = model.paymentIntentForClient(id, clientSecret);
  if (!intent) return notFound(res, id);
  if (method === 'GET') {
    // Already past the challenge (a reload, the back button): straight back to the app.
    if (intent.status !== 'requires_action') return redirect(res, returnUrl, 'payment_intent', id, clientSecret, intent.status === 'requires_payment_method' ? 'failed' : 'succeeded');
    return sendHtml(res, 200, challengePage(`payment_intents/${id}/authenticate`, clientSecret, returnUrl, `a payment of ${money(intent)}`));
  }
  const succeed = outcome === 'complete';
  const result = await authenticatePaymentIntent(model, webhooks, id, succeed);
  if (result.status !== 200) return sendHtml(res, result.status, page('Cannot authenticate', `<p>${escape(errorMessage(result))}</p>`));
  redirect(res, returnUrl, 'payment_intent', id, clientSecret, succeed ? 'succeeded' : 'failed');
}

async function setupIntentPages(
  res: http.ServerResponse,
  { model, webhooks }: HostedDeps,
  { step, id, clientSecret, returnUrl, form }: { step: 'confirm' | 'authenticate' | undefined; id: string; clientSecret: string; returnUrl: URL; form: URLSearchParams },
): Promise<void> {
  const intent = model.savedCards.setupIntent(id, clientSecret);
  if (!intent) return notFound(res, id);
  if (!step) {
    if (intent.status === 'succeeded') return redirect(res, returnUrl, 'setup_intent', id, clientSecret, 'succeeded');
    return sendHtml(res, 200, cardChooserPage(id, clientSecret, returnUrl));
  }
  const result =
    step === 'confirm' ? model.savedCards.confirmSetup(id, clientSecret, form.get('payment_method') ?? '') : model.savedCards.authenticateSetup(id, clientSecret, form.get('outcome') === 'complete');
  const body = result.body as Json;
  if (result.status !== 200) return sendHtml(res, result.status, cardChooserPage(id, clientSecret, returnUrl, errorMessage(result)));
  if (body.status === 'requires_action') return sendHtml(res, 200, challengePage(`setup_intents/${id}/authenticate`, clientSecret, returnUrl, 'saving this card for later payments'));
  if (body.status !== 'succeeded') return sendHtml(res, 200, cardChooserPage(id, clientSecret, returnUrl, String((body.last_setup_error as Json | null)?.message ?? 'The card was not saved.')));
  await webhooks.send('setup_intent.succeeded', body);
  redirect(res, returnUrl, 'setup_intent', id, clientSecret, 'succeeded');
}

/**
 * 3-D Secure finished (or failed) on a PaymentIntent, then Stripe's webhook to the API's endpoint
 * (when one is set), waiting for its first delivery attempt: the app the browser returns to then
 * finds the booking already moving.
 */
export async function authenticatePaymentIntent(model: StripeModel, webhooks: WebhookSender, id: string, succeed: boolean): Promise<Answer> {
  const result = model.authenticate(id, succeed);
  if (result.status !== 200) return result;
  await webhooks.send(authenticationEvent(succeed, result.body as Json), result.body as Json);
  return result;
}

/** The event Stripe sends after the cardholder's 3-D Secure on a PaymentIntent. */
export function authenticationEvent(succeed: boolean, intent: Json): string {
  if (!succeed) return 'payment_intent.payment_failed';
  return intent.status === 'requires_capture' ? 'payment_intent.amount_capturable_updated' : 'payment_intent.succeeded';
}

function parseReturnUrl(value: string | null): URL | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function redirect(res: http.ServerResponse, returnUrl: URL, kind: 'payment_intent' | 'setup_intent', id: string, clientSecret: string, status: 'succeeded' | 'failed'): void {
  const target = new URL(returnUrl);
  target.searchParams.set(kind, id);
  target.searchParams.set(`${kind}_client_secret`, clientSecret);
  target.searchParams.set('redirect_status', status);
  res.writeHead(303, { location: target.toString(), 'cache-control': 'no-store' });
  res.end();
}

function notFound(res: http.ServerResponse, id: string): void {
  sendHtml(res, 404, page('Not found', `<p>No such intent ${escape(id)} with this client secret.</p>`));
}

function errorMessage(result: Answer): string {
  return String(((result.body as Json).error as Json | undefined)?.message ?? 'Stripe refused the request.');
}

function money(intent: Json): string {
  const currency = String(intent.currency ?? 'usd').toUpperCase();
  return `${currency} ${(Number(intent.amount ?? 0) / 100).toFixed(2)}`;
}

function hidden(clientSecret: string, returnUrl: URL): string {
  return `<input type="hidden" name="client_secret" value="${escape(clientSecret)}"><input type="hidden" name="return_url" value="${escape(returnUrl.toString())}">`;
}

function challengePage(action: string, clientSecret: string, returnUrl: URL, what: string): string {
  return page(
    '3D Secure 2 test page',
    `<p>Your bank asks you to confirm ${escape(what)}. This is Stripe's test challenge (the development fake): choose the outcome.</p>
<form method="post" action="/_fake/stripe/hosted/${escape(action)}">${hidden(clientSecret, returnUrl)}
<button type="submit" name="outcome" value="complete">Complete authentication</button>
<button type="submit" name="outcome" value="fail" class="secondary">Fail authentication</button>
</form>`,
  );
}

function cardChooserPage(id: string, clientSecret: string, returnUrl: URL, error?: string): string {
  const options = SAVEABLE_TEST_CARDS.map(
    (card, index) => `<label class="option"><input type="radio" name="payment_method" value="${card.id}"${index === 0 ? ' checked' : ''}> ${escape(card.label)}</label>`,
  ).join('\n');
  return page(
    'Save a card',
    `<p>Stripe's test cards (the development fake stands in for Stripe's Payment Element).</p>
${error ? `<p role="alert" class="error">${escape(error)}</p>` : ''}
<form method="post" action="/_fake/stripe/hosted/setup_intents/${escape(id)}/confirm">${hidden(clientSecret, returnUrl)}
<fieldset><legend>Card</legend>
${options}
</fieldset>
<button type="submit">Save card</button>
</form>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${escape(title)} · Stripe (test)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}button{font:inherit;padding:.6rem 1rem;margin:.5rem .5rem 0 0;border:0;border-radius:4px;background:#4b3fc4;color:#fff;cursor:pointer}button.secondary{background:#fff;color:#4b3fc4;border:2px solid #4b3fc4}button:focus-visible,input:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}.option{display:block;padding:.4rem 0}.error{color:#a00000;font-weight:600}fieldset{border:1px solid #767676;border-radius:4px}</style>
</head><body><main><h1>${escape(title)}</h1>
${body}
</main></body></html>`;
}

function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
  res.end(html);
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > FORM_MAX_BYTES) break;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
