/**
 * A reconnecting WebSocket for the realtime protocol (docs/realtime-protocol.md): authenticates with
 * the "bearer.<token>" subprotocol, reconnects with backoff (at once after a 1001, with a fresh token
 * after a 4001; never after a 4003, the session's end), and reports every server event and each (re)connection so callers can catch up.
 */
import type { ClientFrame, ServerEvent } from './generated/realtime.js';

export const PROTOCOL_VERSION = 'tutorflow.v1';
export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface RealtimeOptions {
  url: string;
  /** A current access token (refreshed by the caller when needed); undefined stops reconnecting. */
  accessToken: () => Promise<string | undefined> | string | undefined;
  onEvent: (event: ServerEvent) => void;
  /** Called on every `ready`: after a reconnect, page the REST history to catch up. */
  onReady?: (reconnected: boolean) => void;
  onState?: (state: ConnectionState) => void;
  /** The server closed with 4003 (the sign-in session ended: logout, suspension, ban, deletion): no reconnect. */
  onSessionEnded?: () => void;
}

const MAX_BACKOFF_MS = 15_000;

export class RealtimeConnection {
  private socket: WebSocket | undefined;
  private attempts = 0;
  private readyBefore = false;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private queue: ClientFrame[] = [];

  constructor(private readonly options: RealtimeOptions) {
    void this.connect();
  }

  send(frame: ClientFrame): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
    else this.queue.push(frame);
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close(1000);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const token = await this.options.accessToken();
    if (!token || this.stopped) return;
    this.options.onState?.('connecting');
    const socket = new WebSocket(this.options.url, [PROTOCOL_VERSION, `bearer.${token}`]);
    this.socket = socket;
    socket.onmessage = (message) => {
      let event: ServerEvent;
      try {
        event = JSON.parse(String(message.data)) as ServerEvent;
      } catch {
        return;
      }
      if (event.type === 'ready') {
        this.attempts = 0;
        this.options.onState?.('open');
        this.options.onReady?.(this.readyBefore);
        this.readyBefore = true;
        for (const frame of this.queue.splice(0)) socket.send(JSON.stringify(frame));
      }
      this.options.onEvent(event);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.options.onState?.('closed');
      if (this.stopped) return;
      if (event.code === 4003) {
        this.stopped = true;
        this.options.onSessionEnded?.();
        return;
      }
      const delay = event.code === 1001 || event.code === 4001 ? 0 : Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempts++);
      this.timer = setTimeout(() => void this.connect(), delay);
    };
  }
}
