/**
 * The fakes of Brevo, Google and Zoom for a test file, on a free loopback port. Pass `overrides`
 * to startTestApi so the API's SDKs talk to them; read what they recorded through `fakes`.
 */
import { type RecordedEmail, type RunningFakes, startFakes } from '../../scripts/fakes/index.js';

export interface TestFakes {
  fakes: RunningFakes;
  /** BREVO_API_BASE, GOOGLE_API_BASE, ZOOM_API_BASE, ZOOM_OAUTH_BASE. */
  overrides: Record<string, string>;
  close(): Promise<void>;
}

export async function startTestFakes(): Promise<TestFakes> {
  const fakes = await startFakes({ port: 0 });
  return { fakes, overrides: { ...fakes.env }, close: () => fakes.close() };
}

/**
 * Waits until Brevo has received a message for `to` that `matches` (emails go out after the API
 * answered), and returns the newest such message.
 */
export async function waitForEmail(fakes: RunningFakes, to: string, matches: (email: RecordedEmail) => boolean = () => true, timeoutMs = 10_000): Promise<RecordedEmail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = fakes.brevo.messages(to).filter(matches).at(-1);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no email to ${to} arrived within ${timeoutMs} ms; got: ${JSON.stringify(fakes.brevo.messages().map((m) => [m.to, m.subject]))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The `token` parameter of the first link in an email's text. */
export function tokenFromEmail(email: RecordedEmail): string {
  const link = /https?:\/\/\S+/.exec(email.textContent ?? '')?.[0];
  const token = link ? new URL(link).searchParams.get('token') : null;
  if (!token) throw new Error(`no link with a token in: ${email.textContent}`);
  return token;
}
