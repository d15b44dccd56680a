import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { formatMoney, toMinor, viewerZone } from '../format.js';
import { Link, navigate } from '../router.js';
import { api } from '../session.js';
import { Field, Page, SelectField, Show, useLoad } from '../ui.js';

const FILTERS = ['subject', 'language', 'currency', 'maxPrice', 'minRating', 'verifiedOnly', 'freeFrom', 'freeTo', 'sort'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function filtersOf(query: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((key) => [key, query.get(key) ?? ''])) as Filters;
}

/** A datetime-local value (the viewer's wall time) as an instant. */
function instantOf(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

export function TutorSearch({ query }: { query: URLSearchParams }) {
  const applied = filtersOf(query);
  const [form, setForm] = useState<Filters>(applied);
  const subjects = useLoad(async () => unwrap(await api.GET('/api/subjects')), []);
  const results = useLoad(async () => {
    const search = {
      ...(applied.subject ? { subject: applied.subject } : {}),
      ...(applied.language ? { language: applied.language } : {}),
      ...(applied.maxPrice ? { currency: applied.currency || 'EUR', maxPrice: toMinor(applied.maxPrice, applied.currency || 'EUR') } : {}),
      ...(applied.minRating ? { minRating: Number(applied.minRating) } : {}),
      ...(applied.verifiedOnly ? { verifiedOnly: 'true' as const } : {}),
      ...(applied.freeFrom && applied.freeTo ? { freeFrom: instantOf(applied.freeFrom)!, freeTo: instantOf(applied.freeTo)! } : {}),
      ...(applied.sort ? { sort: applied.sort as 'relevance' } : {}),
      limit: 20,
    };
    return unwrap(await api.GET('/api/tutors', { params: { query: search as never } }));
  }, [query.toString()]);

  const set = (key: keyof Filters) => (event: { target: { value: string } }) => setForm({ ...form, [key]: event.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const params = new URLSearchParams(Object.entries(form).filter(([, value]) => value !== ''));
    navigate(`/tutors${params.size > 0 ? `?${params}` : ''}`);
  };

  return (
    <Page title="Find a tutor">
      <form className="card filters" onSubmit={submit} aria-label="Search filters">
        <SelectField label="Subject" value={form.subject} onChange={set('subject')}>
          <option value="">Any subject</option>
          {(subjects.data?.items ?? []).flatMap((subject) => flatten(subject)).map((subject) => (
            <option key={subject.id} value={subject.id}>
              {subject.label}
            </option>
          ))}
        </SelectField>
        <Field label="Language" placeholder="e.g. en, de" value={form.language} onChange={set('language')} />
        <Field label="Max price per hour" type="number" min={0} step="1" value={form.maxPrice} onChange={set('maxPrice')} />
        <SelectField label="Currency" value={form.currency || 'EUR'} onChange={set('currency')}>
          {['EUR', 'USD', 'GBP', 'JPY'].map((code) => (
            <option key={code}>{code}</option>
          ))}
        </SelectField>
        <SelectField label="Minimum rating" value={form.minRating} onChange={set('minRating')}>
          <option value="">Any</option>
          {[3, 4, 4.5].map((rating) => (
            <option key={rating} value={rating}>
              {rating}+
            </option>
          ))}
        </SelectField>
        <Field label={`Free from (${viewerZone})`} type="datetime-local" value={form.freeFrom} onChange={set('freeFrom')} />
        <Field label={`Free until (${viewerZone})`} type="datetime-local" value={form.freeTo} onChange={set('freeTo')} />
        <SelectField label="Sort by" value={form.sort} onChange={set('sort')}>
          <option value="">Relevance</option>
          <option value="price">Price</option>
          <option value="rating">Rating</option>
          <option value="newest">Newest</option>
        </SelectField>
        <div className="field checkbox">
          <input id="verified-only" type="checkbox" checked={form.verifiedOnly === 'true'} onChange={(event) => setForm({ ...form, verifiedOnly: event.target.checked ? 'true' : '' })} />
          <label htmlFor="verified-only">Verified tutors only</label>
        </div>
        <button type="submit">Search</button>
      </form>
      <Show loaded={results}>
        {(page) =>
          page.items.length === 0 ? (
            <p>No tutor matches these filters.</p>
          ) : (
            <ul className="cards" aria-label="Tutors">
              {page.items.map((tutor) => (
                <TutorCard key={tutor.tutorId} tutor={tutor} />
              ))}
            </ul>
          )
        }
      </Show>
    </Page>
  );
}

function flatten(subject: Schemas['Subject'], depth = 0): { id: string; label: string }[] {
  const children = ((subject as { children?: Schemas['Subject'][] }).children ?? []).flatMap((child) => flatten(child, depth + 1));
  return [{ id: subject.id, label: `${'— '.repeat(depth)}${subject.name}` }, ...children];
}

function TutorCard({ tutor }: { tutor: Schemas['TutorCard'] }) {
  return (
    <li className="card tutor-card">
      <h2>
        <Link to={`/tutors/${tutor.tutorId}`}>{tutor.displayName}</Link>
        {tutor.verified ? <span className="badge badge-verified">verified</span> : null}
      </h2>
      <p>{tutor.headline}</p>
      <p className="muted">
        {formatMoney(tutor.hourlyRateMinor, tutor.currency)} per hour · {tutor.ratingAverage !== null ? `★ ${tutor.ratingAverage.toFixed(1)} (${tutor.ratingCount})` : 'no ratings yet'} · teaches in{' '}
        {tutor.languages.join(', ') || '—'} · lives in {tutor.timeZone}
        {tutor.instantBooking ? ' · instant booking' : ''}
      </p>
    </li>
  );
}
