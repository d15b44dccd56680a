import { useMemo, useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { formatInstant, formatMoney, toMinor } from '../format.js';
import { Link, navigate } from '../router.js';
import { api } from '../session.js';
import { Timeline } from '../timeline.js';
import { ErrorMessage, Field, Notice, Page, SelectField, Show, StatusBadge, useAction, useLoad } from '../ui.js';

const TEMPORAL_UI = import.meta.env.VITE_TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';
const TEMPORAL_NAMESPACE = import.meta.env.VITE_TEMPORAL_NAMESPACE ?? 'default';

export function workflowLink(bookingId: string): string {
  return `${TEMPORAL_UI}/namespaces/${encodeURIComponent(TEMPORAL_NAMESPACE)}/workflows/booking-${bookingId}`;
}

/**
 * Admin actions carry an Idempotency-Key: one per intended action, so submitting the same form
 * again after a network failure cannot refund twice; a changed form or a done action gets a new one.
 */
export function useActionKey(...inputs: unknown[]): { key: string; spent: () => void } {
  const [round, setRound] = useState(0);
  const key = useMemo(() => crypto.randomUUID(), [round, ...inputs]);
  return { key, spent: () => setRound((value) => value + 1) };
}

/** Opens one booking, package, … by its id (from an email, the audit log or support). */
export function OpenById({ what, path, placeholder, initial = '' }: { what: string; path: string; placeholder: string; initial?: string }) {
  const [lookup, setLookup] = useState(initial);
  const open = (event: FormEvent) => {
    event.preventDefault();
    if (lookup.trim()) navigate(`${path}/${lookup.trim()}`);
  };
  return (
    <form className="card toolbar" onSubmit={open} aria-label={`Open a ${what}`}>
      <Field label={`${what[0]!.toUpperCase()}${what.slice(1)} id`} value={lookup} onChange={(event) => setLookup(event.target.value)} placeholder={placeholder} />
      <button type="submit">Open</button>
    </form>
  );
}

export function AdminBookings() {
  const [attention, setAttention] = useState(true);
  const list = useLoad(
    async () => unwrap(await api.GET('/api/bookings', { params: { query: { limit: 50, ...(attention ? { attention: 'true' as const } : {}) } } })),
    [attention],
  );
  return (
    <Page title="Bookings">
      <OpenById what="booking" path="/admin/bookings" placeholder="e.g. 0b5e…" />
      <div className="field checkbox">
        <input id="attention" type="checkbox" checked={attention} onChange={(event) => setAttention(event.target.checked)} />
        <label htmlFor="attention">Only bookings that need attention</label>
      </div>
      <Show loaded={list}>
        {({ items }) =>
          items.length === 0 ? (
            <p>{attention ? 'Nothing needs attention.' : 'No bookings.'}</p>
          ) : (
            <table className="table">
              <caption className="visually-hidden">Bookings</caption>
              <thead>
                <tr>
                  <th scope="col">Lesson</th>
                  <th scope="col">Status</th>
                  <th scope="col">Price</th>
                  <th scope="col">Workflow</th>
                </tr>
              </thead>
              <tbody>
                {items.map((booking) => (
                  <tr key={booking.id}>
                    <td>
                      <Link to={`/admin/bookings/${booking.id}`}>{formatInstant(booking.sessionStart)}</Link>
                    </td>
                    <td>
                      <StatusBadge status={booking.status} />
                      {booking.attentionReason ? <p className="error-text">Needs attention: {booking.attentionReason}</p> : null}
                    </td>
                    <td>{formatMoney(booking.priceMinor, booking.currency)}</td>
                    <td>
                      <a href={workflowLink(booking.id)} target="_blank" rel="noreferrer">
                        Temporal UI
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </Page>
  );
}

export function AdminBooking({ bookingId }: { bookingId: string }) {
  const timeline = useLoad(async () => unwrap(await api.GET('/api/bookings/{id}/timeline', { params: { path: { id: bookingId } } })), [bookingId]);
  return (
    <Show loaded={timeline}>
      {({ booking, events }) => (
        <Page title={`Booking ${booking.id.slice(0, 8)}`}>
          <div className="card">
            <p>
              <StatusBadge status={booking.status} /> {formatInstant(booking.sessionStart)} ({booking.timeZone} is the tutor’s zone)
            </p>
            <p>
              Price {formatMoney(booking.priceMinor, booking.currency)} · captured {formatMoney(booking.capturedMinor, booking.currency)} · refunded{' '}
              <strong data-testid="admin-refunded">{formatMoney(booking.refundedMinor, booking.currency)}</strong> · paid out {formatMoney(booking.paidOutMinor, booking.currency)}
            </p>
            <p>
              <a href={workflowLink(booking.id)} target="_blank" rel="noreferrer">
                Open the workflow booking-{booking.id} in the Temporal UI
              </a>
            </p>
          </div>
          <AdminPayments bookingId={booking.id} currency={booking.currency} version={events.length} />
          <AdminActions booking={booking} onChanged={timeline.reload} />
          <Timeline events={events} />
        </Page>
      )}
    </Show>
  );
}

/** Every payment of the booking (the lesson's, then each longer reschedule's difference), from its receipt. */
function AdminPayments({ bookingId, currency, version }: { bookingId: string; currency: string; version: number }) {
  const receipt = useLoad(async () => unwrap(await api.GET('/api/bookings/{id}/receipt', { params: { path: { id: bookingId } } })), [bookingId, version]);
  const money = (minor: number) => formatMoney(minor, currency);
  return (
    <Show loaded={receipt}>
      {({ payments }) => (
        <section className="card" aria-labelledby="admin-payments">
          <h2 id="admin-payments">Payments</h2>
          {payments.length === 0 ? (
            <p>No card payment.</p>
          ) : (
            <table data-testid="admin-payments">
              <thead>
                <tr>
                  <th scope="col">Payment</th>
                  <th scope="col">Status</th>
                  <th scope="col">Authorized</th>
                  <th scope="col">Captured</th>
                  <th scope="col">Refunded</th>
                  <th scope="col">Transfer</th>
                  <th scope="col">Reversed</th>
                </tr>
              </thead>
              <tbody>
                {payments.map((payment) => (
                  <tr key={payment.paymentIntentId}>
                    <td>
                      {payment.kind === 'lesson' ? 'Lesson' : 'Longer lesson'} <code>{payment.paymentIntentId}</code>
                      {payment.chargeId ? <> · <code>{payment.chargeId}</code></> : null}
                    </td>
                    <td>{payment.status}</td>
                    <td>{money(payment.authorizedMinor)}</td>
                    <td>{money(payment.capturedMinor)}</td>
                    <td>{money(payment.refundedMinor)}</td>
                    <td>{payment.transferId ? <>{money(payment.transferredMinor ?? 0)} <code>{payment.transferId}</code></> : '—'}</td>
                    <td>{money(payment.reversedMinor ?? 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </Show>
  );
}

function AdminActions({ booking, onChanged }: { booking: Schemas['Booking']; onChanged: () => void }) {
  const [refund, setRefund] = useState({ amount: '', reason: '' });
  const [cancel, setCancel] = useState({ reason: '' });
  const [resolve, setResolve] = useState({ decision: 'pay_tutor' as 'pay_tutor' | 'refund_student', reason: '' });
  const [done, setDone] = useState<string | undefined>();
  const [settleReason, setSettleReason] = useState('');
  const action = useAction();
  const remaining = booking.capturedMinor - booking.refundedMinor;
  const refundKey = useActionKey(refund.amount, refund.reason);
  const cancelKey = useActionKey(cancel.reason);
  const resolveKey = useActionKey(resolve.decision, resolve.reason);

  const settle = (action_: 'retry' | 'close') =>
    action.run(async () => {
      unwrap(await api.POST('/api/admin/bookings/{id}/attention', { params: { path: { id: booking.id } }, body: { action: action_, reason: settleReason } }));
      setDone(action_ === 'retry' ? 'The failed step ran again.' : 'Recorded as settled.');
      onChanged();
    });

  const submitRefund = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const amountMinor = toMinor(refund.amount, booking.currency);
      const result = unwrap(
        await api.POST('/api/admin/bookings/{id}/refunds', {
          params: { path: { id: booking.id }, header: { 'idempotency-key': refundKey.key } },
          body: { amountMinor, reason: refund.reason },
        }),
      );
      refundKey.spent();
      setDone(`Refunded ${formatMoney(amountMinor, booking.currency)}${'refundedMinor' in result ? `; ${formatMoney(result.refundedMinor, booking.currency)} refunded in all.` : '; it is being carried out.'}`);
      onChanged();
    });
  };
  const submitCancel = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      unwrap(await api.POST('/api/admin/bookings/{id}/cancel', { params: { path: { id: booking.id }, header: { 'idempotency-key': cancelKey.key } }, body: { reason: cancel.reason } }));
      cancelKey.spent();
      setDone('Cancelled.');
      onChanged();
    });
  };
  const submitResolve = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      unwrap(await api.POST('/api/admin/bookings/{id}/payout-resolution', { params: { path: { id: booking.id } }, body: resolve, headers: { 'Idempotency-Key': resolveKey.key } }));
      resolveKey.spent();
      setDone('Payout decided.');
      onChanged();
    });
  };

  return (
    <section className="card" aria-labelledby="admin-actions">
      <h2 id="admin-actions">Admin actions</h2>
      <ErrorMessage message={action.error} />
      {done ? <Notice>{done}</Notice> : null}
      {booking.attentionReason ? (
        <div className="attention">
          <h3>Needs attention since {booking.attentionSince ? formatInstant(booking.attentionSince) : '—'}</h3>
          <p>{booking.attentionReason}</p>
          <Field label="Reason for settling it" required value={settleReason} onChange={(event) => setSettleReason(event.target.value)} />
          <div className="actions">
            <button type="button" disabled={action.busy || !settleReason} onClick={() => void settle('retry')}>
              Run the failed step again
            </button>
            <button type="button" className="secondary" disabled={action.busy || !settleReason} onClick={() => void settle('close')}>
              Settled outside (close)
            </button>
          </div>
        </div>
      ) : null}
      <form onSubmit={submitRefund} aria-label="Refund">
        <h3>Refund</h3>
        <p className="muted">Up to {formatMoney(remaining, booking.currency)} can be refunded.</p>
        <Field label={`Amount (${booking.currency})`} type="number" min="0.01" step="0.01" required value={refund.amount} onChange={(event) => setRefund({ ...refund, amount: event.target.value })} />
        <Field label="Reason for the refund" required value={refund.reason} onChange={(event) => setRefund({ ...refund, reason: event.target.value })} />
        <button type="submit" disabled={action.busy}>
          Refund
        </button>
      </form>
      <form onSubmit={submitCancel} aria-label="Cancel as admin">
        <h3>Cancel</h3>
        <Field label="Reason for cancelling" required value={cancel.reason} onChange={(event) => setCancel({ reason: event.target.value })} />
        <button type="submit" className="danger" disabled={action.busy}>
          Cancel booking (full refund)
        </button>
      </form>
      <form onSubmit={submitResolve} aria-label="Resolve a frozen payout">
        <h3>Frozen payout</h3>
        <SelectField label="Decision" value={resolve.decision} onChange={(event) => setResolve({ ...resolve, decision: event.target.value as 'pay_tutor' })}>
          <option value="pay_tutor">Pay the tutor</option>
          <option value="refund_student">Refund the student</option>
        </SelectField>
        <Field label="Reason for the decision" required value={resolve.reason} onChange={(event) => setResolve({ ...resolve, reason: event.target.value })} />
        <button type="submit" className="secondary" disabled={action.busy}>
          Decide payout
        </button>
      </form>
    </section>
  );
}

export function VerificationQueue() {
  const queue = useLoad(async () => unwrap(await api.GET('/api/admin/verification-documents', { params: { query: { status: 'pending', limit: 50 } } })), []);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const action = useAction();
  const decide = (id: string, approve: boolean) =>
    action.run(async () => {
      if (approve) unwrap(await api.POST('/api/admin/verification-documents/{id}/approve', { params: { path: { id } } }));
      else unwrap(await api.POST('/api/admin/verification-documents/{id}/reject', { params: { path: { id } }, body: { reason: reasons[id] ?? '' } }));
      queue.reload();
    });
  // A short-lived URL on object storage; opened in a new tab (a navigation, which the CSP allows).
  const open = (fileId: string) =>
    action.run(async () => {
      const { url } = unwrap(await api.GET('/api/files/{id}/download', { params: { path: { id: fileId } } }));
      window.open(url, '_blank', 'noopener');
    });
  return (
    <Page title="Verification queue">
      <ErrorMessage message={action.error} />
      <Show loaded={queue}>
        {({ items }) =>
          items.length === 0 ? (
            <p>No documents wait for review.</p>
          ) : (
            <ul className="cards">
              {items.map((document) => (
                <li key={document.id} className="card">
                  <h2>
                    {document.tutorDisplayName}: {document.kind.replaceAll('_', ' ')}
                  </h2>
                  <p className="muted">Sent {formatInstant(document.createdAt)}</p>
                  <p>
                    <button type="button" className="secondary" disabled={action.busy} onClick={() => void open(document.fileId)}>
                      Open the {document.kind} document of {document.tutorDisplayName}
                    </button>
                  </p>
                  <Field
                    label={`Reason if you reject (shown to ${document.tutorDisplayName})`}
                    value={reasons[document.id] ?? ''}
                    onChange={(event) => setReasons({ ...reasons, [document.id]: event.target.value })}
                  />
                  <div className="actions">
                    <button type="button" disabled={action.busy} onClick={() => void decide(document.id, true)}>
                      Approve
                    </button>
                    <button type="button" className="danger" disabled={action.busy || !reasons[document.id]} onClick={() => void decide(document.id, false)}>
                      Reject
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </Page>
  );
}

export function AuditLog() {
  const log = useLoad(async () => unwrap(await api.GET('/api/admin/audit-log', { params: { query: { limit: 100 } } })), []);
  return (
    <Page title="Audit log">
      <Show loaded={log}>
        {({ items }) =>
          items.length === 0 ? (
            <p>No admin actions yet.</p>
          ) : (
            <table className="table">
              <caption className="visually-hidden">Admin actions, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Booking</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {items.map((entry, index) => (
                  <tr key={index}>
                    <td>{formatInstant(entry.at)}</td>
                    <td>{entry.type.replaceAll('_', ' ')}</td>
                    <td>
                      {entry.bookingId ? <Link to={`/admin/bookings/${entry.bookingId}`}>{entry.bookingId.slice(0, 8)}</Link> : entry.userId ? `user ${entry.userId.slice(0, 8)}` : ''}
                    </td>
                    <td>
                      <code>{JSON.stringify(entry.data)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </Page>
  );
}
