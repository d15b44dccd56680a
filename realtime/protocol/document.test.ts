import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from './close-codes.js';
import { CLIENT_EVENTS, ClientFrameSchema } from './client-events.js';
import { buildProtocolDocument } from './document.js';
import { SERVER_EVENTS } from './server-events.js';

describe('the realtime protocol document', () => {
  const document = buildProtocolDocument({ serverUrl: 'https://api.example' }) as {
    endpoint: { url: string };
    clientEvents: Record<string, { schema: { properties: Record<string, unknown>; required: string[] } }>;
    serverEvents: Record<string, { description: string; schema: { properties: Record<string, unknown> } }>;
    closeCodes: { code: number }[];
    $defs: Record<string, unknown>;
  };

  it('describes every event of each direction with a JSON Schema generated from its zod schema', () => {
    expect(Object.keys(document.clientEvents).sort()).toEqual(Object.keys(CLIENT_EVENTS).sort());
    expect(Object.keys(document.serverEvents).sort()).toEqual(Object.keys(SERVER_EVENTS).sort());
    expect(document.clientEvents['message.send']!.schema.required).toEqual(expect.arrayContaining(['type', 'clientMessageId']));
    expect(document.serverEvents['message.new']!.schema.properties.message).toEqual({ $ref: '#/$defs/Message' });
    expect(document.$defs.Message).toMatchObject({ type: 'object' });
    expect(document.endpoint.url).toBe('wss://api.example/ws');
  });

  it('is in step with the prose: docs/realtime-protocol.md names every event and close code', async () => {
    const prose = await readFile(path.resolve(import.meta.dirname, '../../docs/realtime-protocol.md'), 'utf8');
    for (const type of [...Object.keys(CLIENT_EVENTS), ...Object.keys(SERVER_EVENTS)]) expect(prose).toContain(`\`${type}\``);
    for (const { code } of Object.values(CLOSE_CODES)) expect(prose).toContain(`| ${code} |`);
  });

  it('validates frames with the same schemas it documents', () => {
    expect(ClientFrameSchema.safeParse({ type: 'typing', conversationId: '0b7e8a52-3c1e-4a8e-9d7e-1c2b3a4d5e6f' }).success).toBe(true);
    expect(ClientFrameSchema.safeParse({ type: 'typing' }).success).toBe(false);
  });
});
