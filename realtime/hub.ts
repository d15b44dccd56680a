/**
 * The connections of this server instance, indexed by what events are addressed to: a user, a
 * sign-in session, a watched tutor, a followed user's presence. Delivery here is local only;
 * fan-out.ts carries events between instances.
 */
import type { Connection } from './connection.js';
import type { PresenceView, ServerEvent } from './protocol/server-events.js';

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key);
  set?.delete(value);
  if (set?.size === 0) index.delete(key);
}

export class Hub {
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly bySession = new Map<string, Set<Connection>>();
  private readonly tutorWatchers = new Map<string, Set<Connection>>();
  private readonly presenceFollowers = new Map<string, Set<Connection>>();

  /** Adds the connection; true when it is the user's first on this instance. */
  add(connection: Connection): boolean {
    const first = !this.byUser.has(connection.userId);
    addTo(this.byUser, connection.userId, connection);
    addTo(this.bySession, connection.identity.sessionId, connection);
    return first;
  }

  /** Removes the connection and everything it followed; true when it was the user's last here. */
  remove(connection: Connection): boolean {
    removeFrom(this.byUser, connection.userId, connection);
    removeFrom(this.bySession, connection.identity.sessionId, connection);
    for (const tutorId of connection.watchedTutors) removeFrom(this.tutorWatchers, tutorId, connection);
    for (const userId of connection.followedUsers) removeFrom(this.presenceFollowers, userId, connection);
    return !this.byUser.has(connection.userId);
  }

  all(): Connection[] {
    return [...this.byUser.values()].flatMap((set) => [...set]);
  }

  users(): string[] {
    return [...this.byUser.keys()];
  }

  connectionsOf(userId: string): Connection[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  connectionsOfSession(sessionId: string): Connection[] {
    return [...(this.bySession.get(sessionId) ?? [])];
  }

  watchTutor(connection: Connection, tutorId: string): void {
    connection.watchedTutors.add(tutorId);
    addTo(this.tutorWatchers, tutorId, connection);
  }

  unwatchTutor(connection: Connection, tutorId: string): void {
    connection.watchedTutors.delete(tutorId);
    removeFrom(this.tutorWatchers, tutorId, connection);
  }

  follow(connection: Connection, userId: string): void {
    connection.followedUsers.add(userId);
    addTo(this.presenceFollowers, userId, connection);
  }

  unfollow(connection: Connection, userId: string): void {
    connection.followedUsers.delete(userId);
    removeFrom(this.presenceFollowers, userId, connection);
  }

  deliverToUser(userId: string, event: ServerEvent, exceptConnectionId?: string): void {
    for (const connection of this.byUser.get(userId) ?? []) {
      if (connection.id !== exceptConnectionId) connection.send(event);
    }
  }

  deliverToTutorWatchers(tutorId: string, event: ServerEvent): void {
    for (const connection of this.tutorWatchers.get(tutorId) ?? []) connection.send(event);
  }

  deliverPresence(presence: PresenceView): void {
    for (const connection of this.presenceFollowers.get(presence.userId) ?? []) connection.send({ type: 'presence', ...presence });
  }
}
