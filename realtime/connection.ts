/**
 * One authenticated WebSocket: who it is, what it follows, and its own limits. Frames are handled
 * one at a time in arrival order, so a client's acks come back in the order it sent.
 */
import type { WebSocket } from 'ws';
import type { Role } from '../db/models/user.js';
import { CLOSE_CODES, type CloseReason } from './protocol/close-codes.js';
import type { ServerEvent } from './protocol/server-events.js';
import type { TokenBucket } from './token-bucket.js';
import { wsDeliveries } from '../integrations/telemetry/metrics.js';

export interface ConnectionIdentity {
  userId: string;
  role: Role;
  sessionId: string;
  /** Seconds since the epoch. */
  tokenExpiresAt: number;
}

export type ConnectionStatus = 'online' | 'away';

export class Connection {
  status: ConnectionStatus = 'online';
  /** Cleared before each ping and set by the pong: still false at the next heartbeat means a dead peer. */
  alive = true;
  readonly watchedTutors = new Set<string>();
  readonly followedUsers = new Set<string>();
  /** The other participant of each conversation this connection typed in: participants never change. */
  readonly counterparts = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    readonly socket: WebSocket,
    readonly identity: ConnectionIdentity,
    readonly bucket: TokenBucket,
    /** Which tick of the heartbeat interval pings this connection and refreshes its presence (realtime-server.ts). */
    readonly heartbeatSlot = 0,
  ) {}

  get userId(): string {
    return this.identity.userId;
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(event: ServerEvent): void {
    if (!this.open) return;
    this.socket.send(JSON.stringify(event));
    wsDeliveries.inc({ type: event.type });
  }

  close(reason: CloseReason, detail?: string): void {
    const { code, meaning } = CLOSE_CODES[reason];
    // A close reason is at most 123 bytes.
    this.socket.close(code, Buffer.from(detail ?? meaning).subarray(0, 123).toString());
  }

  /** Runs `task` after every task enqueued before it; a failing task does not stop the queue. */
  enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Closes the connection when its access token expires (setTimeout's limit is about 24 days). */
  closeAtTokenExpiry(): void {
    const remaining = this.identity.tokenExpiresAt * 1000 - Date.now();
    this.expiryTimer = setTimeout(() => this.close('tokenExpired'), Math.max(0, Math.min(remaining, 2 ** 31 - 1)));
    this.expiryTimer.unref();
  }

  dispose(): void {
    clearTimeout(this.expiryTimer);
  }
}
