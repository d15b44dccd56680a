/**
 * The protocol document served beside the OpenAPI document (GET /docs/realtime.json): the endpoint,
 * how to authenticate, the close codes, and every event in each direction with its JSON Schema,
 * generated from the same zod schemas the server validates and builds frames with.
 */
import { z } from 'zod';
import { CLOSE_CODES } from './close-codes.js';
import { CLIENT_EVENTS } from './client-events.js';
import { SERVER_EVENTS } from './server-events.js';

export const PROTOCOL_VERSION = 'tutorflow.v1';
export const WS_PATH = '/ws';
export const MAX_PAYLOAD_BYTES = 64 * 1024;

type JsonSchema = Record<string, unknown>;

function describeEvents(events: Record<string, z.ZodType>, io: 'input' | 'output', defs: Record<string, JsonSchema>): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries(events).map(([type, schema]) => {
      const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
      Object.assign(defs, json.$defs ?? {});
      delete json.$defs;
      delete json.$schema;
      const description = typeof json.description === 'string' ? json.description : '';
      return [type, { description, schema: json }];
    }),
  );
}

export function buildProtocolDocument(info: { serverUrl: string }): Record<string, unknown> {
  const defs: Record<string, JsonSchema> = {};
  const clientEvents = describeEvents(CLIENT_EVENTS, 'input', defs);
  const serverEvents = describeEvents(SERVER_EVENTS, 'output', defs);
  const wsUrl = `${info.serverUrl.replace(/^http/, 'ws')}${WS_PATH}`;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Tutorflow realtime protocol',
    version: PROTOCOL_VERSION,
    description:
      'Messaging, typing indicators, presence, availability broadcasts and notifications over one WebSocket. Every frame is a JSON text frame holding one event, told apart by "type". See docs/realtime-protocol.md for the flows.',
    endpoint: {
      url: wsUrl,
      path: WS_PATH,
      subprotocol: PROTOCOL_VERSION,
      authentication:
        `Send the access token at the upgrade as the subprotocol "bearer.<token>" next to "${PROTOCOL_VERSION}" (new WebSocket(url, ["${PROTOCOL_VERSION}", "bearer." + token]); the server answers with "${PROTOCOL_VERSION}" and never echoes the token). Clients that cannot set subprotocols may send "Authorization: Bearer <token>" or ?access_token=<token> (query strings end up in access logs: prefer the subprotocol). Without a valid token the upgrade answers 401 and no socket is opened.`,
      origin: 'Browsers\' Origin must be one of CORS_ORIGINS (403 otherwise); clients that send no Origin (apps, servers) are let through on the token alone.',
      maxPayloadBytes: MAX_PAYLOAD_BYTES,
      heartbeat: 'The server pings at the interval given in the ready event; a connection that missed the previous pong is dropped.',
      rateLimit: 'Each connection has a token bucket of frames (REALTIME_RATE_BURST, refilled at REALTIME_RATE_LIMIT); a connection that empties it is closed with 1008.',
      catchUp:
        'After a reconnect, page GET /api/conversations/{id}/messages (newest first, "before" cursor) until reaching a message already held; messages are deduplicated by id, and a resend of an unacknowledged message with the same clientMessageId returns the original.',
    },
    closeCodes: Object.entries(CLOSE_CODES).map(([name, value]) => ({ name, ...value })),
    clientEvents,
    serverEvents,
    $defs: defs,
  };
}
