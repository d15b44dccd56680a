import { useEffect, useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { addDays, formatDay, formatInstant, formatMoney, formatTime, localDate, toMajor, toMinor, viewerZone } from '../format.js';
import { api, useSession } from '../session.js';
import { uploadFile } from '../uploads.js';
import { ErrorMessage, Field, Notice, Page, SelectField, Show, useAction, useLoad } from '../ui.js';

type Rule = Schemas['WeeklyAvailability']['rules'][number];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The weekly rules in the tutor's own zone, and a preview of the next seven days as students see them. */
export function Availability() {
  const me = useSession()!.account;
  const week = useLoad(async () => unwrap(await api.GET('/api/me/availability/rules')), []);
  const preview = useLoad(
    async () =>
      unwrap(await api.GET('/api/tutors/{id}/slots', { params: { path: { id: me.id }, query: { from: localDate(new Date()), to: localDate(addDays(new Date(), 6)), timeZone: viewerZone } } })),
    [week.data],
  );
  const [rules, setRules] = useState<Rule[]>([]);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  useEffect(() => {
    if (week.data) setRules(week.data.rules);
  }, [week.data]);

  const change = (index: number, patch: Partial<Rule>) => setRules(rules.map((rule, at) => (at === index ? { ...rule, ...patch } : rule)));
  const save = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void action.run(async () => {
      unwrap(await api.PUT('/api/me/availability/rules', { body: { rules } as never }));
      setSaved(true);
      week.reload();
    });
  };

  return (
    <Page title="Availability">
      <Show loaded={week}>
        {(current) => (
          <form className="card" onSubmit={save} aria-label="Weekly hours">
            <p>Your regular week, on your clock ({current.timeZone ?? 'set your profile’s zone first'}).</p>
            {rules.map((rule, index) => (
              <fieldset key={index} className="rule">
                <legend>Hours {index + 1}</legend>
                <SelectField label="Day" value={rule.weekday} onChange={(event) => change(index, { weekday: Number(event.target.value) })}>
                  {WEEKDAYS.map((day, weekday) => (
                    <option key={day} value={weekday}>
                      {day}
                    </option>
                  ))}
                </SelectField>
                <Field label="From" type="time" required value={rule.start} onChange={(event) => change(index, { start: event.target.value })} />
                <Field label="Until" type="time" required value={rule.end === '24:00' ? '23:59' : rule.end} onChange={(event) => change(index, { end: event.target.value })} />
                <button type="button" className="secondary" onClick={() => setRules(rules.filter((_rule, at) => at !== index))}>
                  Remove
                </button>
              </fieldset>
            ))}
            <div className="actions">
              <button type="button" className="secondary" onClick={() => setRules([...rules, { weekday: 1, start: '09:00', end: '17:00' }])}>
                Add hours
              </button>
              <button type="submit" disabled={action.busy}>
                Save week
              </button>
            </div>
            <ErrorMessage message={action.error} />
            {saved ? <Notice>Saved. Students see the new times at once.</Notice> : null}
          </form>
        )}
      </Show>
      <Overrides onChanged={preview.reload} />
      <h2>The next seven days, as students see them ({viewerZone})</h2>
      <Show loaded={preview}>
        {(list) =>
          list.slots.length === 0 ? (
            <p>No bookable times in the next seven days.</p>
          ) : (
            <ul className="preview">
              {[...new Set(list.slots.map((slot) => localDate(new Date(slot.start))))].map((day) => {
                const slots = list.slots.filter((slot) => localDate(new Date(slot.start)) === day);
                return (
                  <li key={day}>
                    <strong>{formatDay(slots[0]!.start)}</strong>: {slots.map((slot) => formatTime(slot.start)).join(', ')}
                  </li>
                );
              })}
            </ul>
          )
        }
      </Show>
    </Page>
  );
}

type NewOverride = { date: string; kind: 'extra' | 'off'; start: string; end: string };

/** Days that differ from the regular week: extra hours, or time off (a whole day without times). */
function Overrides({ onChanged }: { onChanged: () => void }) {
  const list = useLoad(async () => unwrap(await api.GET('/api/me/availability/overrides', { params: { query: { from: localDate(new Date()) } } })), []);
  const [form, setForm] = useState<NewOverride>({ date: localDate(addDays(new Date(), 1)), kind: 'off', start: '', end: '' });
  const action = useAction();
  const changed = () => {
    list.reload();
    onChanged();
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const times = form.start && form.end ? { start: form.start, end: form.end } : {};
      unwrap(await api.POST('/api/me/availability/overrides', { body: { date: form.date, kind: form.kind, ...times } }));
      changed();
    });
  };
  const remove = (id: string) =>
    action.run(async () => {
      unwrap(await api.DELETE('/api/me/availability/overrides/{id}', { params: { path: { id } } }));
      changed();
    });
  return (
    <section className="card" aria-labelledby="overrides-title">
      <h2 id="overrides-title">Days off and extra hours</h2>
      <Show loaded={list}>
        {({ items }) =>
          items.length === 0 ? (
            <p>None planned.</p>
          ) : (
            <ul>
              {items.map((override) => (
                <li key={override.id}>
                  {override.date}: {override.kind === 'off' ? 'off' : 'extra hours'} {override.start ? `${override.start}–${override.end}` : 'all day'}{' '}
                  <button type="button" className="link-button" onClick={() => void remove(override.id)}>
                    Remove<span className="visually-hidden"> {override.date}</span>
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
      <form onSubmit={add} className="rule" aria-label="Add a day off or extra hours">
        <Field label="Date (your zone)" type="date" required value={form.date} onChange={(event) => setForm({ ...form, date: event.target.value })} />
        <SelectField label="Kind" value={form.kind} onChange={(event) => setForm({ ...form, kind: event.target.value as NewOverride['kind'] })}>
          <option value="off">Time off</option>
          <option value="extra">Extra hours</option>
        </SelectField>
        <Field label="From (empty: all day)" type="time" value={form.start} onChange={(event) => setForm({ ...form, start: event.target.value })} />
        <Field label="Until" type="time" value={form.end} onChange={(event) => setForm({ ...form, end: event.target.value })} />
        <button type="submit" disabled={action.busy}>
          Add
        </button>
      </form>
      <ErrorMessage message={action.error} />
    </section>
  );
}

/** Payout onboarding (Stripe Connect) and the pages Stripe sends the tutor back to. */
export function Payouts({ landing }: { landing?: 'return' | 'refresh' }) {
  const status = useLoad(async () => unwrap(await api.GET('/api/me/payouts')), []);
  const action = useAction();
  const start = () =>
    action.run(async () => {
      const link = unwrap(await api.POST('/api/me/payouts/onboarding', { body: {} }));
      location.assign(link.url);
    });
  return (
    <Page title="Payouts">
      {landing === 'return' ? <Notice>Welcome back from Stripe. Your payout account’s state is below; it may take a moment to update.</Notice> : null}
      {landing === 'refresh' ? <Notice>The onboarding link expired or was already used. Start again to get a fresh one.</Notice> : null}
      <Show loaded={status}>
        {(current) => (
          <div className="card">
            <p>
              {current.payoutsEnabled
                ? 'Payouts are enabled: earnings reach your account after each lesson’s hold.'
                : current.accountId
                  ? 'Your payout account needs more details before Stripe can pay you.'
                  : 'Set up a payout account so that your earnings can be paid out.'}
            </p>
            {!current.payoutsEnabled ? (
              <button type="button" disabled={action.busy} onClick={() => void start()}>
                {current.accountId ? 'Continue onboarding with Stripe' : 'Set up payouts with Stripe'}
              </button>
            ) : null}
            <ErrorMessage message={action.error} />
          </div>
        )}
      </Show>
      <Earnings />
    </Page>
  );
}

/** Earnings by month and currency (GET /api/me/earnings): pending in the payout hold, paid out, refunded, reversed. */
function Earnings() {
  const earnings = useLoad(async () => unwrap(await api.GET('/api/me/earnings')), []);
  return (
    <section className="card" aria-labelledby="earnings-title">
      <h2 id="earnings-title">Earnings</h2>
      <Show loaded={earnings}>
        {({ months, totals }) =>
          months.length === 0 ? (
            <p>No paid lessons yet.</p>
          ) : (
            <table className="table">
              <caption>Earnings by month (UTC), newest first; your share after the commission</caption>
              <thead>
                <tr>
                  <th scope="col">Month</th>
                  <th scope="col">Lessons</th>
                  <th scope="col">Waiting for payout</th>
                  <th scope="col">Paid out</th>
                  <th scope="col">Refunded to students</th>
                  <th scope="col">Taken back</th>
                </tr>
              </thead>
              <tbody>
                {[...months.map((row) => ({ ...row, label: formatMonth(row.month) })), ...totals.map((row) => ({ ...row, label: `Total (${row.currency})` }))].map((row) => (
                  <tr key={`${row.label}-${row.currency}`}>
                    <th scope="row">{row.label}</th>
                    <td>{row.lessons}</td>
                    <td>{formatMoney(row.pendingMinor, row.currency)}</td>
                    <td>{formatMoney(row.paidOutMinor, row.currency)}</td>
                    <td>{formatMoney(row.refundedMinor, row.currency)}</td>
                    <td>{formatMoney(row.reversedMinor, row.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
}

/** "2026-12" (or a date in it) as "December 2026". */
function formatMonth(month: string): string {
  return new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month.slice(0, 7)}-01T00:00:00Z`));
}

type ProfileForm = { headline: string; bio: string; hourlyRate: string; lessonLengths: string; instantBooking: boolean; cancellationPolicy: 'flexible' | 'moderate' | 'strict'; published: boolean };

/** The tutor's public profile, and the state of the verification documents they sent. */
export function TutorProfile() {
  const profile = useLoad(async () => unwrap(await api.GET('/api/me/tutor-profile')), []);
  const documents = useLoad(async () => unwrap(await api.GET('/api/me/verification-documents')), []);
  const [form, setForm] = useState<ProfileForm | undefined>();
  const [saved, setSaved] = useState(false);
  const action = useAction();
  useEffect(() => {
    const current = profile.data;
    if (!current) return;
    setForm({
      headline: current.headline,
      bio: current.bio,
      hourlyRate: toMajor(current.hourlyRateMinor, current.currency),
      lessonLengths: current.lessonLengths.join(', '),
      instantBooking: current.instantBooking,
      cancellationPolicy: current.cancellationPolicy,
      published: current.published,
    });
  }, [profile.data]);

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!form || !profile.data) return;
    setSaved(false);
    void action.run(async () => {
      unwrap(
        await api.PATCH('/api/me/tutor-profile', {
          body: {
            headline: form.headline,
            bio: form.bio,
            hourlyRateMinor: toMinor(form.hourlyRate, profile.data!.currency),
            lessonLengths: form.lessonLengths.split(/[,\s]+/).filter(Boolean).map(Number),
            instantBooking: form.instantBooking,
            cancellationPolicy: form.cancellationPolicy,
            published: form.published,
          },
        }),
      );
      setSaved(true);
      profile.reload();
    });
  };
  const set = (key: keyof ProfileForm) => (event: { target: { value: string } }) => form && setForm({ ...form, [key]: event.target.value });

  return (
    <Page title="Your profile">
      <Show loaded={profile}>
        {(current) =>
          form ? (
            <form className="card" onSubmit={save} aria-label="Profile">
              <Field label="Headline" required maxLength={160} value={form.headline} onChange={set('headline')} />
              <div className="field">
                <label htmlFor="bio">About you</label>
                <textarea id="bio" rows={5} value={form.bio} onChange={set('bio')} />
              </div>
              <Field label={`Price per hour (${current.currency})`} type="number" min="0" step="0.01" required value={form.hourlyRate} onChange={set('hourlyRate')} />
              <Field label="Lesson lengths (minutes, comma-separated)" required value={form.lessonLengths} onChange={set('lessonLengths')} hint="Quarter hours from 15 to 240, e.g. 30, 60, 90" />
              <SelectField label="Cancellation policy" value={form.cancellationPolicy} onChange={set('cancellationPolicy')}>
                <option value="flexible">Flexible: full refund up to 24 h before, then half</option>
                <option value="moderate">Moderate: full refund up to 48 h, half up to 24 h</option>
                <option value="strict">Strict: full refund up to 7 days, half up to 48 h</option>
              </SelectField>
              <div className="field checkbox">
                <input id="instant" type="checkbox" checked={form.instantBooking} onChange={(event) => setForm({ ...form, instantBooking: event.target.checked })} />
                <label htmlFor="instant">Instant booking: requests are accepted at once</label>
              </div>
              <div className="field checkbox">
                <input id="published" type="checkbox" checked={form.published} onChange={(event) => setForm({ ...form, published: event.target.checked })} />
                <label htmlFor="published">Listed in search</label>
              </div>
              <p className="muted">
                Your time zone: {current.timeZone}. Verification: {current.verificationStatus}.
              </p>
              <ErrorMessage message={action.error} />
              {saved ? <Notice>Saved.</Notice> : null}
              <button type="submit" disabled={action.busy}>
                Save profile
              </button>
            </form>
          ) : null
        }
      </Show>
      <h2>Verification documents</h2>
      <SendDocument onSent={documents.reload} />
      <Show loaded={documents}>
        {({ items }) =>
          items.length === 0 ? (
            <p>None sent yet.</p>
          ) : (
            <ul>
              {items.map((document) => (
                <li key={document.id}>
                  {KIND_LABELS[document.kind]}: <strong>{document.status}</strong>, sent {formatInstant(document.createdAt)}
                  {document.decisionReason ? ` — ${document.decisionReason}` : ''}
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </Page>
  );
}

const KIND_LABELS: Record<Schemas['VerificationDocument']['kind'], string> = { identity: 'Identity document', qualification: 'Qualification' };
const DOCUMENT_TYPES = 'application/pdf,image/png,image/jpeg';

/** A document for the admins' verification queue: uploaded to storage, checked, then sent. */
function SendDocument({ onSent }: { onSent: () => void }) {
  const [kind, setKind] = useState<Schemas['VerificationDocument']['kind']>('identity');
  const [file, setFile] = useState<File | undefined>();
  const [step, setStep] = useState<string | undefined>();
  const [sent, setSent] = useState(false);
  const action = useAction();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    setSent(false);
    void action.run(async () => {
      if (!file) throw new Error('Choose a file first.');
      if (!DOCUMENT_TYPES.split(',').includes(file.type)) throw new Error('Send a PDF, PNG or JPEG file.');
      try {
        const fileId = await uploadFile(file, 'verification_document', setStep);
        setStep('Sending…');
        unwrap(await api.POST('/api/me/verification-documents', { body: { fileId, kind } }));
      } finally {
        setStep(undefined);
      }
      setSent(true);
      setFile(undefined);
      form.reset();
      onSent();
    });
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Send a verification document">
      <SelectField label="Document" value={kind} onChange={(event) => setKind(event.target.value as typeof kind)}>
        {Object.entries(KIND_LABELS).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </SelectField>
      <Field label="File (PDF, PNG or JPEG, up to 10 MB)" type="file" accept={DOCUMENT_TYPES} required onChange={(event) => setFile(event.target.files?.[0])} />
      <ErrorMessage message={action.error} />
      {step ? <Notice>{step}</Notice> : null}
      {sent ? <Notice>Sent: an admin reviews it, and your status shows here.</Notice> : null}
      <button type="submit" disabled={action.busy}>
        Send for verification
      </button>
    </form>
  );
}
