/**
 * Presence across instances, in Redis. Each connection is a member of its user's sorted set, scored
 * by when it expires and named `<instance>/<connection>/<status>`; a user is online while any live
 * member is online, away while all live members are away, offline when none is live. Each instance
 * refreshes its members on every heartbeat, so the connections of a server that died expire on their
 * own after the TTL; a live instance then notices the dead one in the instance registry, claims its
 * clean-up (one claimant wins), and announces its users' new presence.
 *
 * Clocks: scores are this host's Date.now(); instances are assumed NTP-synchronised to well within
 * the TTL. While Redis is away, presence falls back to what this instance sees itself, and the next
 * heartbeat after Redis returns writes every live member back.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { wsHeartbeatDuration } from '../integrations/telemetry/metrics.js';
import type { LastSeenService } from '../services/messaging/last-seen.js';
import type { Connection, ConnectionStatus } from './connection.js';
import type { FanOut } from './fan-out.js';
import type { Hub } from './hub.js';
import type { PresenceStatus, PresenceView } from './protocol/server-events.js';

const PREFIX = 'tutorflow:rt:presence:';
const INSTANCES_KEY = `${PREFIX}instances`;
const userKey = (userId: string) => `${PREFIX}user:${userId}`;
const instanceUsersKey = (instanceId: string) => `${PREFIX}instance:${instanceId}:users`;

/**
 * KEYS[1] the user's set. ARGV: now, member to remove ('' for none), member to add ('' for none),
 * its expiry, key TTL in ms. Answers the user's status before and after, atomically.
 */
const UPDATE_SCRIPT = `
local function status()
  local live = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
  local result = 'offline'
  for _, member in ipairs(live) do
    if string.sub(member, -7) == '/online' then return 'online' end
    result = 'away'
  end
  return result
end
local before = status()
if ARGV[2] ~= '' then redis.call('ZREM', KEYS[1], ARGV[2]) end
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
return {before, status()}
`;

/**
 * KEYS[1] the user's set. ARGV: now, a dead instance's member prefix, key TTL in ms. Removes that
 * instance's members even if not expired yet (one added after its last heartbeat outlives the
 * registry entry by up to a heartbeat) and answers the user's status afterwards.
 */
const SWEEP_SCRIPT = `
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, member in ipairs(members) do
  if string.sub(member, 1, string.len(ARGV[2])) == ARGV[2] then redis.call('ZREM', KEYS[1], member) end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
local live = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local result = 'offline'
for _, member in ipairs(live) do
  if string.sub(member, -7) == '/online' then return 'online' end
  result = 'away'
end
return result
`;

function aggregate(statuses: Iterable<ConnectionStatus>): PresenceStatus {
  let result: PresenceStatus = 'offline';
  for (const status of statuses) {
    if (status === 'online') return 'online';
    result = 'away';
  }
  return result;
}

export class PresenceTracker {
  constructor(
    private readonly instanceId: string,
    private readonly redis: Redis,
    private readonly hub: Hub,
    private readonly fanOut: FanOut,
    private readonly lastSeen: LastSeenService,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {}

  private member(connection: Connection, status: ConnectionStatus = connection.status): string {
    return `${this.instanceId}/${connection.id}/${status}`;
  }

  async connected(connection: Connection): Promise<void> {
    await this.change(connection.userId, '', this.member(connection), async () => {
      await this.redis.sadd(instanceUsersKey(this.instanceId), connection.userId);
    });
  }

  async statusChanged(connection: Connection, previous: ConnectionStatus): Promise<void> {
    if (previous === connection.status) return;
    await this.change(connection.userId, this.member(connection, previous), this.member(connection));
  }

  /** After the connection left the hub; `lastHere` when the user has no other connection on this instance. */
  async disconnected(connection: Connection, lastHere: boolean): Promise<void> {
    const now = new Date();
    if (lastHere) {
      await this.lastSeen.touch([connection.userId], now).catch((error: unknown) => this.log.warn({ err: error }, 'could not record last seen'));
    }
    await this.change(connection.userId, this.member(connection), '', async () => {
      if (lastHere) await this.redis.srem(instanceUsersKey(this.instanceId), connection.userId);
    });
  }

  /** The current presence of each user (for a subscriber's snapshot). */
  async snapshot(userIds: readonly string[]): Promise<PresenceView[]> {
    if (userIds.length === 0) return [];
    let statuses: PresenceStatus[];
    try {
      const now = Date.now();
      const pipeline = this.redis.pipeline();
      for (const userId of userIds) pipeline.zrangebyscore(userKey(userId), now, '+inf');
      const results = (await pipeline.exec()) ?? [];
      statuses = results.map(([error, members]) => {
        if (error) throw error;
        return aggregate((members as string[]).map((member) => member.slice(member.lastIndexOf('/') + 1) as ConnectionStatus));
      });
    } catch (error) {
      this.log.warn({ err: error }, 'presence snapshot from Redis failed; answering with what this instance sees');
      statuses = userIds.map((userId) => this.localStatus(userId));
    }
    // Only the offline show a last-seen time: no Postgres read when everyone asked about is here
    // (the common case after each message.send, which asks whether the recipient is offline).
    const offline = userIds.filter((_, index) => statuses[index] === 'offline');
    const lastSeen = offline.length > 0 ? await this.lastSeen.of(offline) : new Map<string, Date>();
    return userIds.map((userId, index) => ({
      userId,
      status: statuses[index]!,
      lastSeenAt: statuses[index] === 'offline' ? (lastSeen.get(userId)?.toISOString() ?? null) : null,
    }));
  }

  /**
   * Every heartbeat tick: refresh the members of `connections` (the tick's slice; each connection
   * comes once per heartbeat interval) and this instance's registry entry, record last seen for
   * their users, then clean up after instances that stopped refreshing.
   */
  async heartbeat(connections: readonly Connection[]): Promise<void> {
    const began = performance.now();
    const now = Date.now();
    const expiresAt = now + this.ttlMs;
    const users = [...new Set(connections.map((connection) => connection.userId))];
    try {
      const pipeline = this.redis.pipeline();
      for (const connection of connections) {
        pipeline.zadd(userKey(connection.userId), expiresAt, this.member(connection));
        pipeline.pexpire(userKey(connection.userId), this.ttlMs * 2);
      }
      if (users.length > 0) pipeline.sadd(instanceUsersKey(this.instanceId), ...users);
      // Kept well past the TTL so whichever instance sweeps a dead one still finds its users.
      pipeline.pexpire(instanceUsersKey(this.instanceId), this.ttlMs * 20);
      pipeline.zadd(INSTANCES_KEY, expiresAt, this.instanceId);
      await pipeline.exec();
    } catch (error) {
      this.log.warn({ err: error }, 'presence heartbeat failed');
    }
    const touching = performance.now();
    wsHeartbeatDuration.observe({ step: 'presence' }, (touching - began) / 1000);
    await this.lastSeen.touch(users, new Date(now)).catch((error: unknown) => this.log.warn({ err: error }, 'could not record last seen'));
    wsHeartbeatDuration.observe({ step: 'last_seen' }, (performance.now() - touching) / 1000);
    await this.sweep(now).catch((error: unknown) => this.log.warn({ err: error }, 'presence sweep failed'));
  }

  /** On a clean shutdown (after every connection was closed and removed): leave the registry. */
  async leave(): Promise<void> {
    await this.redis.zrem(INSTANCES_KEY, this.instanceId).catch(() => undefined);
  }

  private async sweep(now: number): Promise<void> {
    const dead = await this.redis.zrangebyscore(INSTANCES_KEY, '-inf', `(${now}`);
    for (const instanceId of dead) {
      // Whoever removes the entry owns the clean-up; the other instances see 0 and move on.
      if ((await this.redis.zrem(INSTANCES_KEY, instanceId)) !== 1) continue;
      const users = await this.redis.smembers(instanceUsersKey(instanceId));
      this.log.info({ instanceId, users: users.length }, 'a realtime instance stopped refreshing its presence; its connections expired');
      for (const userId of users) {
        const after = (await this.redis.eval(SWEEP_SCRIPT, 1, userKey(userId), now, `${instanceId}/`, this.ttlMs * 2)) as PresenceStatus;
        // Announced whatever it was before: the dead instance's members may have expired already,
        // and nobody announced that.
        await this.announce(userId, after);
      }
      await this.redis.del(instanceUsersKey(instanceId));
    }
  }

  /**
   * Applies one member change and announces the user's presence if it changed. While Redis is away
   * this instance's own view is announced (to its own followers; the publish fails quietly).
   */
  private async change(userId: string, remove: string, add: string, alongside?: () => Promise<void>): Promise<void> {
    let before: PresenceStatus;
    let after: PresenceStatus;
    try {
      const now = Date.now();
      [before, after] = (await this.redis.eval(UPDATE_SCRIPT, 1, userKey(userId), now, remove, add, now + this.ttlMs, this.ttlMs * 2)) as [PresenceStatus, PresenceStatus];
      await alongside?.();
    } catch (error) {
      this.log.warn({ err: error, userId }, 'presence update in Redis failed; announcing what this instance sees');
      await this.announce(userId, this.localStatus(userId));
      return;
    }
    if (before !== after) await this.announce(userId, after);
  }

  private async announce(userId: string, status: PresenceStatus): Promise<void> {
    let lastSeenAt: string | null = null;
    if (status === 'offline') {
      lastSeenAt = (await this.lastSeen.of([userId]).catch(() => new Map<string, Date>())).get(userId)?.toISOString() ?? new Date().toISOString();
    }
    this.fanOut.presence({ userId, status, lastSeenAt });
  }

  private localStatus(userId: string): PresenceStatus {
    return aggregate(this.hub.connectionsOf(userId).map((connection) => connection.status));
  }
}
