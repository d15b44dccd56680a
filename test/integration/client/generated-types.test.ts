import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_DIR, generateClientTypes } from '../../../client/generate.js';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { readJson } from '../../support/http.js';

describe('the typed API client', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('is generated from the documents the API serves (run `npm run client:generate` when this fails)', async () => {
    const openapi = await readJson(await fetch(`${api.baseUrl}/openapi.json`));
    const realtime = await readJson(await fetch(`${api.baseUrl}/docs/realtime.json`));
    const expected = await generateClientTypes({ openapi, realtime });
    expect(Object.keys(expected).sort()).toEqual(['api.ts', 'realtime.ts']);
    for (const [name, text] of Object.entries(expected)) {
      const committed = await readFile(path.join(GENERATED_DIR, name), 'utf8');
      expect(committed, `client/generated/${name} is stale`).toBe(text);
    }
    // The types carry the routes the web app calls, so a renamed route breaks its build, not its users.
    expect(expected['api.ts']).toContain('"/api/bookings/{id}/cancel"');
    expect(expected['realtime.ts']).toContain("components['schemas']['ServerMessageRead']");
  });
});
