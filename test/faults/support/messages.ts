/**
 * The client side of the realtime protocol's delivery guarantee (docs/realtime-protocol.md): send
 * with a clientMessageId, resend whatever was not acknowledged, page the REST history to catch up.
 */
import { randomUUID } from 'node:crypto';
import type { TestUser } from '../../support/fixtures.js';
import { callApi, type Json } from '../../support/http.js';
import type { TestClient } from '../../support/realtime.js';

export interface Outgoing {
  clientMessageId: string;
  text: string;
  acked?: Json;
}

export function outgoing(texts: string[]): Outgoing[] {
  return texts.map((text) => ({ clientMessageId: randomUUID(), text }));
}

/** Sends each message not acknowledged yet on this client; resolves when each is acked (or the socket dies). */
export async function sendUnacknowledged(client: TestClient, conversationId: string, messages: Outgoing[], timeoutMs = 10_000): Promise<void> {
  const pending = messages.filter((message) => !message.acked);
  for (const message of pending) client.send({ type: 'message.send', conversationId, clientMessageId: message.clientMessageId, text: message.text });
  await Promise.all(
    pending.map(async (message) => {
      const ack = await client.next((event) => event.type === 'message.ack' && event.clientMessageId === message.clientMessageId, timeoutMs).catch(() => undefined);
      if (ack) message.acked = ack;
    }),
  );
}

/** Every message of the conversation, paging back through the history (newest first) to the start. */
export async function fullHistory(baseUrl: string, user: TestUser, conversationId: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const query = cursor ? `?limit=50&before=${encodeURIComponent(cursor)}` : '?limit=50';
    const answer = await callApi(baseUrl, 'GET', `/api/conversations/${conversationId}/messages${query}`, { user });
    if (answer.status !== 200) throw new Error(`history: ${answer.status} ${JSON.stringify(answer.body)}`);
    items.push(...answer.body.items);
    cursor = answer.body.nextCursor ?? undefined;
    if (!cursor) break;
  }
  return items;
}
