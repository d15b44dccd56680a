import { useState } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { formatInstant } from '../format.js';
import { useRealtimeEvents } from '../realtime.js';
import { Link } from '../router.js';
import { api, useSession } from '../session.js';
import { ErrorMessage, Notice, Page, SelectField, Show, useAction, useLoad } from '../ui.js';

type Notification = Schemas['Notification'];
type Preferences = Schemas['NotificationPreferences'];

/** Kinds added later show under their own name until they get a label here. */
const KIND_LABELS: Partial<Record<Schemas['NotificationKind'], string>> = {
  'booking.requested': 'Lesson requests',
  'booking.accepted': 'Requests accepted',
  'booking.declined': 'Requests declined',
  'booking.expired': 'Requests expired',
  'booking.cancelled': 'Cancellations',
  'booking.payment_failed': 'Failed payments',
  'lesson.reminder': 'Lesson reminders',
  'lesson.ended': 'Lessons ended',
  'reschedule.proposed': 'New times proposed',
  'reschedule.answered': 'Answers to new times',
  'refund.issued': 'Refunds',
  'no_show.update': 'No-show reports',
  'dispute.update': 'Disputes',
  'payout.sent': 'Payouts sent',
  'payout.account_needed': 'Payout set-up needed',
  'review.received': 'Reviews received',
  'message.received': 'Messages while you are away',
  'package.expiring': 'Lesson packages expiring',
  'series.week_taken': 'Weekly lessons that could not be booked',
  'account.security': 'Account security',
};

const labelOf = (kind: Schemas['NotificationKind']) => KIND_LABELS[kind] ?? kind;

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
      <NotificationSettings />
    </Page>
  );
}

/** What you are told of, where (in the app, by email), and in which language. */
function NotificationSettings() {
  const loaded = useLoad(async () => unwrap(await api.GET('/api/notifications/preferences')), []);
  return (
    <section aria-labelledby="notification-settings">
      <h2 id="notification-settings">What you are told of</h2>
      <Show loaded={loaded}>{(preferences) => <SettingsForm initial={preferences} />}</Show>
    </section>
  );
}

function SettingsForm({ initial }: { initial: Preferences }) {
  const [draft, setDraft] = useState(initial);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const toggle = (kind: string, channel: 'inApp' | 'email') => {
    setSaved(false);
    setDraft((current) => ({ ...current, kinds: current.kinds.map((entry) => (entry.kind === kind ? { ...entry, [channel]: !entry[channel] } : entry)) }));
  };
  const save = () =>
    action.run(async () => {
      const body = { language: draft.language, kinds: draft.kinds.map(({ kind, inApp, email }) => ({ kind, inApp, email })) };
      setDraft(unwrap(await api.PUT('/api/notifications/preferences', { body })));
      setSaved(true);
    });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <SelectField
        label="Language of your emails and notifications"
        value={draft.language}
        onChange={(event) => {
          setSaved(false);
          setDraft({ ...draft, language: event.target.value as Preferences['language'] });
        }}
      >
        <option value="en">English</option>
        <option value="de">Deutsch</option>
      </SelectField>
      <p className="muted">Emails show times in {draft.timeZone}, the time zone of your profile.</p>
      <table>
        <caption className="visually-hidden">Channels per kind of notification</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">In the app</th>
            <th scope="col">By email</th>
          </tr>
        </thead>
        <tbody>
          {draft.kinds.map((entry) => (
            <tr key={entry.kind}>
              <th scope="row">{labelOf(entry.kind)}</th>
              <td>
                <input type="checkbox" aria-label={`${labelOf(entry.kind)} in the app`} checked={entry.inApp} onChange={() => toggle(entry.kind, 'inApp')} />
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${labelOf(entry.kind)} by email`}
                  checked={entry.email}
                  disabled={entry.emailRequired}
                  title={entry.emailRequired ? 'Security emails always go' : undefined}
                  onChange={() => toggle(entry.kind, 'email')}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Saving…' : 'Save'}
        </button>
      </div>
      {saved ? <Notice>Saved.</Notice> : null}
      <ErrorMessage message={action.error} />
    </form>
  );
}

/** The bell's count listens for this: marking read on the page changes it without a push. */
export const UNREAD_CHANGED = 'tutorflow:notifications-read';
function notifyUnreadChanged(): void {
  window.dispatchEvent(new Event(UNREAD_CHANGED));
}
