/**
 * What every browser journey file shares: the axe check of a settled page, REST as a person for the
 * set-up a journey does not cover, signing up through the page, and the README's screenshots.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { readJson, type Json } from '../../support/http.js';
import { REPO_ROOT } from '../../support/paths.js';
import { launchChromium, personContext, screenshotAll, seriousViolations } from './browser.js';
import { startE2eStack, type E2eStack } from './e2e-stack.js';

const DOC_SCREENSHOTS = process.env.E2E_DOC_SCREENSHOTS === '1' ? path.join(REPO_ROOT, 'docs/screenshots') : undefined;

/** Saves the page to docs/screenshots/<name>.png when E2E_DOC_SCREENSHOTS=1. */
export async function docShot(page: Page, name: string): Promise<void> {
  if (DOC_SCREENSHOTS) await page.screenshot({ path: path.join(DOC_SCREENSHOTS, `${name}.png`) });
}

/** The page, once loaded, has no serious or critical axe violation. */
export async function expectAccessible(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.getByText('Loading…').first().waitFor({ state: 'detached' }).catch(() => undefined);
  expect(await seriousViolations(page), `axe on ${page.url()}`).toEqual([]);
}

export type Rest = (method: string, url: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: Json }>;

/** REST as one person (signed in with email and password). */
export async function restAs(baseUrl: string, email: string, password: string): Promise<Rest> {
  const login = await readJson(await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }));
  const token = login.tokens.accessToken as string;
  return async (method, url, body, headers = {}) => {
    const response = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: await readJson(response) };
  };
}

/** Creates an account through the sign-up page; the page ends on the account's start page. */
export async function signUp(page: Page, person: { name: string; email: string; password: string; role: 'student' | 'tutor' }): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Your name').fill(person.name);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByLabel('I want to').selectOption(person.role);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signup'));
}

export interface BrowserSuite {
  stack: E2eStack;
  browser: Browser;
  /** A new person's browser (their own storage, zone and viewport) with one page open. */
  person(timezoneId: string, viewport?: { width: number; height: number }): Promise<Page>;
}

/**
 * The stack and chromium for one test file, started before its tests and closed after them; every
 * open page is saved under .data/e2e-screenshots/ when a test fails.
 */
export function browserSuite(): BrowserSuite {
  const contexts: BrowserContext[] = [];
  const suite = {
    person: async (timezoneId: string, viewport?: { width: number; height: number }) => {
      const context = await personContext(suite.browser, suite.stack.baseUrl, timezoneId, viewport);
      contexts.push(context);
      return context.newPage();
    },
  } as BrowserSuite;
  beforeAll(async () => {
    [suite.stack, suite.browser] = await Promise.all([startE2eStack(), launchChromium()]);
  }, 240_000);
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') console.log(`screenshots of the failure: ${(await screenshotAll(contexts, context.task.name)).join(', ')}`);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.stack?.close();
  });
  return suite;
}
