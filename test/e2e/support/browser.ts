/**
 * Debian's chromium driven by playwright-core (Playwright's own browser download cannot work
 * here; the package is installed by apt when missing, like redis-server), an axe scan helper, and
 * screenshots of every open page when a test fails.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { provisionChromium } from '../../../scripts/stack/provision/chromium.js';
import { REPO_ROOT } from '../../support/paths.js';

export const FAILURE_SCREENSHOTS = path.join(REPO_ROOT, '.data/e2e-screenshots');

export async function launchChromium(): Promise<Browser> {
  const executablePath = await provisionChromium((line) => console.log(`[chromium] ${line}`));
  // Root may not use chromium's sandbox; the pages are our own app on loopback.
  return chromium.launch({ executablePath, headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}

/** A browser context of one person: their own storage, zone and a phone-or-desktop viewport. */
export async function personContext(browser: Browser, baseUrl: string, timezoneId: string, viewport = { width: 1200, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl, timezoneId, locale: 'en-GB', viewport });
  context.setDefaultTimeout(20_000);
  // A crash in the page shows in the test's output, not only as a blank screenshot.
  context.on('page', (page) => {
    page.on('pageerror', (error) => console.log(`[page error ${page.url()}] ${error.stack ?? error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') console.log(`[console ${page.url()}] ${message.text()}`);
    });
  });
  return context;
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/** Serious and critical axe violations of the page as it is now (rule id and the offending nodes). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

export async function screenshotAll(contexts: BrowserContext[], label: string, dir = FAILURE_SCREENSHOTS): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const saved: string[] = [];
  for (const [contextIndex, context] of contexts.entries()) {
    for (const [pageIndex, page] of context.pages().entries()) {
      const file = path.join(dir, `${label}-${contextIndex}-${pageIndex}.png`.replace(/[^\w.-]+/g, '-'));
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      saved.push(file);
    }
  }
  return saved;
}
