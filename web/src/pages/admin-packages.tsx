/**
 * Admins open a lesson package by id (there is no list of packages for admins: the id comes from a
 * student's email, the audit log or support), read its credit ledger, and refund its unused credits
 * pro rata with a reason and an Idempotency-Key (README "Lesson packages").
 */
import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { formatInstant, formatMoney } from '../format.js';
import { api } from '../session.js';
import { ErrorMessage, Field, Notice, Page, Show, StatusBadge, useAction, useLoad } from '../ui.js';
import { OpenById, useActionKey } from './admin.js';

type PackageDetail = Schemas['LessonPackageDetail'];

const ENTRY_LABELS: Record<PackageDetail['entries'][number]['kind'], string> = {
  purchase: 'bought',
  consume: 'used for a lesson',
  return: 'returned (lesson cancelled)',
  expire: 'expired',
  refund: 'refunded',
};

export function AdminPackages({ packageId }: { packageId?: string }) {
  return (
    <Page title="Lesson packages">
      <OpenById what="package" path="/admin/packages" placeholder="e.g. 7c1d…" initial={packageId} />
      {packageId ? <PackageDetails key={packageId} packageId={packageId} /> : null}
    </Page>
  );
}

function PackageDetails({ packageId }: { packageId: string }) {
  const pkg = useLoad(async () => unwrap(await api.GET('/api/packages/{id}', { params: { path: { id: packageId } } })), [packageId]);
  return (
    <Show loaded={pkg}>
      {(loaded) => (
        <>
          <section className="card" aria-labelledby="package-title" data-testid="package">
            <h2 id="package-title">
              {loaded.lessons} × {loaded.lengthMinutes} minutes <StatusBadge status={loaded.status} />
            </h2>
            <p>
              Price {formatMoney(loaded.priceMinor, loaded.currency)} · charged {formatMoney(loaded.capturedMinor, loaded.currency)} · refunded{' '}
              <strong data-testid="package-refunded">{formatMoney(loaded.refundedMinor, loaded.currency)}</strong> · paid out {formatMoney(loaded.paidOutMinor, loaded.currency)}
            </p>
            <p>
              <strong data-testid="credits-left">{loaded.creditsLeft}</strong> of {loaded.lessons} credits left · expires {formatInstant(loaded.expiresAt)}
            </p>
            <h3>Credit ledger</h3>
            <ol>
              {loaded.entries.map((entry, index) => (
                <li key={index}>
                  {formatInstant(entry.at)} — {Math.abs(entry.credits)} {Math.abs(entry.credits) === 1 ? 'credit' : 'credits'} {ENTRY_LABELS[entry.kind]}
                  {entry.amountMinor !== null ? ` (${formatMoney(entry.amountMinor, loaded.currency)})` : ''}
                </li>
              ))}
            </ol>
          </section>
          {loaded.status === 'active' && loaded.creditsLeft > 0 ? <RefundUnused pkg={loaded} onRefunded={pkg.reload} /> : null}
        </>
      )}
    </Show>
  );
}

/** Refunds every unused credit at price × unused ÷ lessons (bounded by what the charge still has); booked lessons go on. */
function RefundUnused({ pkg, onRefunded }: { pkg: PackageDetail; onRefunded: () => void }) {
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | undefined>();
  const action = useAction();
  const key = useActionKey(pkg.id, reason);
  const estimate = Math.min(Math.floor((pkg.priceMinor * pkg.creditsLeft) / pkg.lessons), pkg.capturedMinor - pkg.refundedMinor);
  const refund = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const answer = unwrap(await api.POST('/api/admin/packages/{id}/refunds', { params: { path: { id: pkg.id }, header: { 'idempotency-key': key.key } }, body: { reason } }));
      key.spent();
      setReason('');
      setDone('refundedMinor' in answer ? `Refunded: ${formatMoney(answer.refundedMinor, pkg.currency)} in all.` : 'The refund is being carried out; it shows here in a moment.');
      onRefunded();
    });
  };
  return (
    <form className="card" onSubmit={refund} aria-label="Refund the unused credits">
      <h2>Refund the unused credits</h2>
      <p>
        {pkg.creditsLeft} unused {pkg.creditsLeft === 1 ? 'credit' : 'credits'}: about {formatMoney(estimate, pkg.currency)} back to the card. Lessons already booked go on.
      </p>
      <Field label="Reason for the refund" required value={reason} onChange={(event) => setReason(event.target.value)} />
      {done ? <Notice>{done}</Notice> : null}
      <ErrorMessage message={action.error} />
      <button type="submit" className="danger" disabled={action.busy}>
        Refund unused credits
      </button>
    </form>
  );
}
