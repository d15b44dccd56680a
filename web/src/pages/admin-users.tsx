import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { formatInstant } from '../format.js';
import { api } from '../session.js';
import { ErrorMessage, Field, Notice, Page, SelectField, Show, StatusBadge, useAction, useLoad } from '../ui.js';
import { useActionKey } from './admin.js';

type AdminUser = Schemas['AdminUser'];
type Filters = { q: string; role: '' | AdminUser['role']; status: '' | AdminUser['status'] };

/** Admins find accounts and suspend, ban or reinstate them, with a reason the audit log keeps. */
export function AdminUsers() {
  const [draft, setDraft] = useState<Filters>({ q: '', role: '', status: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const users = useLoad(
    async () =>
      unwrap(
        await api.GET('/api/admin/users', {
          params: { query: { limit: 50, ...(filters.q ? { q: filters.q } : {}), ...(filters.role ? { role: filters.role } : {}), ...(filters.status ? { status: filters.status } : {}) } },
        }),
      ),
    [filters],
  );
  const search = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  return (
    <Page title="Users">
      <form className="filters card" onSubmit={search} role="search" aria-label="Find users">
        <Field label="Email or name" value={draft.q} onChange={(event) => setDraft({ ...draft, q: event.target.value })} />
        <SelectField label="Role" value={draft.role} onChange={(event) => setDraft({ ...draft, role: event.target.value as Filters['role'] })}>
          <option value="">Any</option>
          <option value="student">Student</option>
          <option value="tutor">Tutor</option>
          <option value="admin">Admin</option>
        </SelectField>
        <SelectField label="Status" value={draft.status} onChange={(event) => setDraft({ ...draft, status: event.target.value as Filters['status'] })}>
          <option value="">Any</option>
          <option value="active">Active</option>
          <option value="suspended">Suspended</option>
          <option value="banned">Banned</option>
          <option value="deleted">Deleted</option>
        </SelectField>
        <button type="submit">Search</button>
      </form>
      <Show loaded={users}>
        {({ items }) =>
          items.length === 0 ? (
            <p>No account matches.</p>
          ) : (
            <ul className="cards" aria-label="Accounts">
              {items.map((user) => (
                <UserRow key={user.id} user={user} onChanged={users.reload} />
              ))}
            </ul>
          )
        }
      </Show>
    </Page>
  );
}

function UserRow({ user, onChanged }: { user: AdminUser; onChanged: () => void }) {
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | undefined>();
  const action = useAction();
  const key = useActionKey(user.id, reason);
  const act = (kind: 'suspend' | 'ban' | 'unsuspend') =>
    action.run(async () => {
      const path = kind === 'suspend' ? '/api/admin/users/{id}/suspend' : kind === 'ban' ? '/api/admin/users/{id}/ban' : '/api/admin/users/{id}/unsuspend';
      const changed = unwrap(await api.POST(path, { params: { path: { id: user.id }, header: { 'idempotency-key': key.key } }, body: { reason } }));
      key.spent();
      setReason('');
      setDone(`${changed.displayName} is now ${changed.status}.`);
      onChanged();
    });
  const live = user.openBookings.live;
  return (
    <li className="card" data-user-id={user.id}>
      <h2>
        {user.displayName} <StatusBadge status={user.status} />
      </h2>
      <p className="muted">
        {user.email} · {user.role} · joined {formatInstant(user.createdAt)} · {live} live {live === 1 ? 'booking' : 'bookings'}, {user.openBookings.unsettled} unsettled
      </p>
      {user.statusReason ? (
        <p>
          Reason: {user.statusReason}
          {user.statusChangedAt ? ` (${formatInstant(user.statusChangedAt)})` : ''}
        </p>
      ) : null}
      {done ? <Notice>{done}</Notice> : null}
      <ErrorMessage message={action.error} />
      {user.status === 'deleted' || user.role === 'admin' ? null : (
        <form
          className="actions"
          aria-label={`Change ${user.displayName}’s access`}
          onSubmit={(event) => {
            event.preventDefault();
          }}
        >
          <Field label={`Reason (kept in the audit log)`} required value={reason} onChange={(event) => setReason(event.target.value)} />
          {user.status === 'active' ? (
            <>
              <button type="button" className="secondary" disabled={action.busy || !reason} onClick={() => void act('suspend')}>
                Suspend<span className="visually-hidden"> {user.displayName}</span>
              </button>
              <button type="button" className="danger" disabled={action.busy || !reason} onClick={() => void act('ban')}>
                Ban<span className="visually-hidden"> {user.displayName}</span>
              </button>
            </>
          ) : (
            <button type="button" disabled={action.busy || !reason} onClick={() => void act('unsuspend')}>
              Reinstate<span className="visually-hidden"> {user.displayName}</span>
            </button>
          )}
        </form>
      )}
    </li>
  );
}
