import { useEffect, useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { formatInstant } from '../format.js';
import { navigate } from '../router.js';
import { api, signOut, useSession } from '../session.js';
import { ErrorMessage, Field, Notice, Page, useAction } from '../ui.js';

type DataExport = Schemas['DataExport'];

/** The account's own data (GDPR): a copy of everything stored, and deleting the account. */
export function Account() {
  const account = useSession()!.account;
  return (
    <Page title="Your account">
      <div className="card">
        <p>
          {account.displayName} · {account.email} · {account.role}
        </p>
      </div>
      <ExportData />
      {account.role === 'admin' ? null : <DeleteAccount />}
    </Page>
  );
}

function ExportData() {
  const [current, setCurrent] = useState<DataExport | undefined>();
  const action = useAction();
  const ask = () =>
    action.run(async () => {
      setCurrent(unwrap(await api.POST('/api/me/export')));
    });
  // The archive is built in the background: look again until it is ready (or failed).
  const pendingId = current?.status === 'pending' ? current.id : undefined;
  useEffect(() => {
    if (!pendingId) return;
    const timer = setInterval(
      () =>
        void action.run(async () => {
          setCurrent(unwrap(await api.GET('/api/me/export/{id}', { params: { path: { id: pendingId } } })));
        }),
      2_000,
    );
    return () => clearInterval(timer);
  }, [pendingId]);
  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">A copy of your data</h2>
      <p>Everything Tutorflow stores about you (profile, bookings and amounts, messages, reviews, files’ details, sign-ins), as one JSON file. We also email you a link.</p>
      <ErrorMessage message={action.error} />
      {current?.status === 'pending' ? <Notice>Preparing your copy (asked {formatInstant(current.requestedAt)})…</Notice> : null}
      {current?.status === 'failed' ? <ErrorMessage message={`The copy could not be prepared: ${current.failure ?? 'try again later'}.`} /> : null}
      {current?.status === 'ready' && current.download ? (
        <p>
          <a href={current.download.url} download>
            Download your data (JSON{current.sizeBytes ? `, ${Math.max(1, Math.round(current.sizeBytes / 1024))} KB` : ''})
          </a>{' '}
          <span className="muted">— the link works until {formatInstant(current.download.expiresAt)}.</span>
        </p>
      ) : null}
      <button type="button" className="secondary" disabled={action.busy || current?.status === 'pending'} onClick={() => void ask()}>
        Ask for a copy
      </button>
    </section>
  );
}

function DeleteAccount() {
  const [confirm, setConfirm] = useState('');
  const action = useAction();
  const remove = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      unwrap(await api.DELETE('/api/me'));
      await signOut();
      navigate('/signin?deleted=1', { replace: true });
    });
  };
  return (
    <form className="card" onSubmit={remove} aria-labelledby="delete-title">
      <h2 id="delete-title">Delete your account</h2>
      <p>
        Your personal data is erased, your saved cards are removed and you are signed out everywhere. Bookings and their amounts are kept, as accounting law requires. Not possible while a
        lesson is booked, its money is not settled, weekly lessons run or a package has credits left.
      </p>
      <Field label="Type DELETE to confirm" required value={confirm} onChange={(event) => setConfirm(event.target.value)} autoComplete="off" />
      <ErrorMessage message={action.error} />
      <button type="submit" className="danger" disabled={action.busy || confirm !== 'DELETE'}>
        Delete my account
      </button>
    </form>
  );
}
