/** The demo accounts as lines for a terminal: who, which password, and what each one is there to show. */
import type { DemoSeedResult } from './demo.js';

export function demoAccountLines(result: DemoSeedResult): string[] {
  const emailWidth = Math.max(...result.accounts.map((account) => account.email.length));
  const passwordWidth = Math.max(...result.accounts.map((account) => account.password.length));
  const lines = result.accounts.map(
    (account) =>
      `${account.role.padEnd(8)} ${account.email.padEnd(emailWidth)}  ${account.password.padEnd(passwordWidth)}  ${account.displayName}${account.note ? ` — ${account.note}` : ''}`,
  );
  if (result.accounts.some((account) => !account.created)) {
    lines.push('(accounts made by an earlier run keep whatever password they were given since)');
  }
  return lines;
}
