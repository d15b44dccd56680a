import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type RunningApi } from '../../support/harness.js';
import { readJson } from '../../support/http.js';

describe('the realtime protocol beside the OpenAPI document', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('serves GET /docs/realtime.json with every event and the close codes', async () => {
    const response = await fetch(`${api.baseUrl}/docs/realtime.json`);
    expect(response.status).toBe(200);
    const document = await readJson(response);
    expect(document.endpoint).toMatchObject({ path: '/ws', subprotocol: 'tutorflow.v1', maxPayloadBytes: 65536 });
    expect(Object.keys(document.clientEvents)).toContain('message.send');
    expect(Object.keys(document.serverEvents)).toContain('message.ack');
    expect(document.closeCodes.map((entry: { code: number }) => entry.code)).toEqual(expect.arrayContaining([1007, 1008, 1009, 4001, 4003]));
  });

  it('lists the conversation routes and the protocol document in the OpenAPI document', async () => {
    const openapi = await readJson(await fetch(`${api.baseUrl}/openapi.json`));
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/conversations', '/api/conversations/{id}/messages', '/docs/realtime.json']));
    expect(Object.keys(openapi.paths['/api/conversations/{id}/messages'].get.responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
    expect(openapi.components.schemas).toHaveProperty('Message');
  });
});
