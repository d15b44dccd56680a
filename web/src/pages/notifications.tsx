import { useState } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { formatInstant } from '../format.js';
import { useRealtimeEvents } from '../realtime.js';
import { Link } from '../router.js';
import { api, useSession } from '../session.js';
import { ErrorMessage, Page, Show, useAction, useLoad } from '../ui.js';

type Notification = Schemas['Notification'];

/** Newest first, each once (a push and a catch-up may bring the same one). */
function merge(current: Notification[], more: Notification[]): Notification[] {
  const byId = new Map(current.map((item) => [item.id, item]));
  for (const item of more) byId.set(item.id, item);
  return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** The signed-in person's notifications: new ones arrive live (`notification.new`), caught up after a reconnect. */
export function Notifications() {
  const role = useSession()!.account.role;
  const list = useLoad(async () => unwrap(await api.GET('/api/notifications', { params: { query: { limit: 50 } } })), []);
  const [pushed, setPushed] = useState<Notification[]>([]);
  const [readIds, setReadIds] = useState<Set<string>>(new Set());
  const action = useAction();
  useRealtimeEvents((event, reconnected) => {
    if (event.type === 'notification.new') setPushed((current) => merge(current, [event.notification]));
    if (event.type === 'ready' && reconnected) list.reload();
  });
  const markRead = (id: string) =>
    action.run(async () => {
      unwrap(await api.POST('/api/notifications/{id}/read', { params: { path: { id } } }));
      setReadIds((current) => new Set([...current, id]));
      notifyUnreadChanged();
    });
  const markAll = () =>
    action.run(async () => {
      unwrap(await api.POST('/api/notifications/read-all'));
      list.reload();
      setPushed([]);
      notifyUnreadChanged();
    });
  return (
    <Page
      title="Notifications"
      actions={
        <button type="button" className="secondary" disabled={action.busy} onClick={() => void markAll()}>
          Mark all read
        </button>
      }
    >
      <ErrorMessage message={action.error} />
      <Show loaded={list}>
        {({ items }) => {
          const all = merge(items, pushed);
          if (all.length === 0) return <p>Nothing yet. Lesson requests, answers, reminders and refunds appear here as they happen.</p>;
          return (
            <ul className="cards" aria-label="Notifications, newest first" aria-live="polite">
              {all.map((item) => {
                const unread = item.readAt === null && !readIds.has(item.id);
                const bookingId = typeof item.data.bookingId === 'string' && role !== 'admin' ? item.data.bookingId : undefined;
                return (
                  <li key={item.id} className={`card notification${unread ? ' unread' : ''}`} data-notification-id={item.id}>
                    <h2>
                      {unread ? <span className="badge badge-unread">new</span> : null} {item.title}
                    </h2>
                    <p>{item.body}</p>
                    <p className="muted">{formatInstant(item.createdAt)}</p>
                    <div className="actions">
                      {bookingId ? <Link to={`/bookings/${bookingId}`}>Open the booking</Link> : null}
                      {unread ? (
                        <button type="button" className="link-button" onClick={() => void markRead(item.id)}>
                          Mark read<span className="visually-hidden">: {item.title}</span>
                        </button>
                      ) : null}
                    </div>
                  </li>
                );
              })}
            </ul>
          );
        }}
      </Show>
    </Page>
  );
}

/** The bell's count listens for this: marking read on the page changes it without a push. */
export const UNREAD_CHANGED = 'tutorflow:notifications-read';
function notifyUnreadChanged(): void {
  window.dispatchEvent(new Event(UNREAD_CHANGED));
}
