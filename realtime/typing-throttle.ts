/**
 * Typing indicators are ephemeral and frequent: per user and conversation at most one "start" is
 * forwarded per interval, and a "stop" only when a "start" went out. Nothing is stored; the
 * receiving client lets an indicator expire on its own (the forwarded event says when).
 */
export class TypingThrottle {
  private readonly lastForwarded = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  shouldForward(userId: string, conversationId: string, state: 'start' | 'stop', now = Date.now()): boolean {
    const key = `${userId}:${conversationId}`;
    const last = this.lastForwarded.get(key);
    if (state === 'stop') return this.lastForwarded.delete(key) && last !== undefined;
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.lastForwarded.set(key, now);
    return true;
  }

  /** A message ends the typing: the next "start" is forwarded at once. */
  reset(userId: string, conversationId: string): void {
    this.lastForwarded.delete(`${userId}:${conversationId}`);
  }

  /** Forgets entries too old to throttle anything (called on each heartbeat). */
  prune(now = Date.now()): void {
    for (const [key, at] of this.lastForwarded) if (now - at >= this.intervalMs) this.lastForwarded.delete(key);
  }
}
