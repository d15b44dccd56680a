import { useEffect, useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { formatInstant, STATUS_LABELS } from '../format.js';
import { Link } from '../router.js';
import { api } from '../session.js';
import { ErrorMessage, Field, Notice, Page, Show, StatusBadge, useAction, useLoad } from '../ui.js';

type Week = Schemas['SeriesWeek'];

const TAKEN_REASONS: Record<NonNullable<Week['reason']>, string> = {
  tutor_busy: 'the tutor was already booked',
  student_busy: 'you had another lesson then',
  payment_failed: 'the card was not authorized',
  unavailable: 'the tutor is not available then',
};

/** A student's weekly lessons: each week becomes its own booking a few days ahead; skip one, or cancel the rest. */
export function SeriesDetail({ seriesId }: { seriesId: string }) {
  const series = useLoad(async () => unwrap(await api.GET('/api/series/{id}', { params: { path: { id: seriesId } } })), [seriesId]);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | undefined>();
  const action = useAction();
  // Weeks are booked by the series' workflow on its own schedule: look again while it runs.
  const active = series.data?.status === 'active';
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(series.reload, 4_000);
    return () => clearInterval(timer);
  }, [active, series.reload]);
  const skip = (week: number) =>
    action.run(async () => {
      unwrap(await api.POST('/api/series/{id}/skip', { params: { path: { id: seriesId } }, body: { week } }));
      setDone(`Week ${week + 1} is skipped.`);
      series.reload();
    });
  const cancel = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      unwrap(await api.POST('/api/series/{id}/cancel', { params: { path: { id: seriesId } }, body: { reason } }));
      setDone('The rest of the series is cancelled.');
      series.reload();
    });
  };
  return (
    <Show loaded={series}>
      {(current) => (
        <Page title={`Weekly lessons: ${current.weeks.length} weeks`}>
          <div className="card">
            <p>
              Status: <StatusBadge status={current.status} /> · {current.lengthMinutes} minutes each week, at the same time of day in the tutor’s time zone ({current.timeZone}).
              Each week is booked and its card authorized a few days before the lesson; the tutor answers each week.
            </p>
            {current.cancelReason ? <p>Cancelled: {current.cancelReason}</p> : null}
          </div>
          {done ? <Notice>{done}</Notice> : null}
          <ErrorMessage message={action.error} />
          <ol className="cards" aria-label="Weeks">
            {current.weeks.map((week) => (
              <li key={week.week} className="card booking-row" data-week={week.week}>
                <div>
                  <strong>{formatInstant(week.sessionStart)}</strong> <StatusBadge status={week.status} />
                  <p className="muted">
                    {week.status === 'booked' && week.bookingId ? (
                      <Link to={`/bookings/${week.bookingId}`}>{STATUS_LABELS[week.bookingStatus ?? ''] ?? week.bookingStatus ?? 'Booked'}</Link>
                    ) : null}
                    {week.status === 'taken' ? `Not booked: ${week.reason ? TAKEN_REASONS[week.reason] : (week.detail ?? 'the time was not free')}` : null}
                    {week.status === 'upcoming' ? 'Booked a few days before the lesson' : null}
                  </p>
                </div>
                {week.status === 'upcoming' && current.status === 'active' ? (
                  <button type="button" className="secondary" disabled={action.busy} onClick={() => void skip(week.week)}>
                    Skip week {week.week + 1}
                  </button>
                ) : null}
              </li>
            ))}
          </ol>
          {current.status === 'active' ? (
            <form className="card" onSubmit={cancel} aria-label="Cancel the rest of the series">
              <Field label="Reason for cancelling the rest" required value={reason} onChange={(event) => setReason(event.target.value)} />
              <button type="submit" className="danger" disabled={action.busy}>
                Cancel the rest
              </button>
            </form>
          ) : null}
        </Page>
      )}
    </Show>
  );
}

/** The student's series, for the bookings page. */
export function SeriesList() {
  const list = useLoad(async () => unwrap(await api.GET('/api/series', { params: { query: { limit: 50 } } })), []);
  if (!list.data?.items.length) return <ErrorMessage message={list.error} />;
  return (
    <section aria-labelledby="series-title">
      <h2 id="series-title">Weekly lessons</h2>
      <ul className="bookings">
        {list.data.items.map((series) => (
          <li key={series.id} className="card">
            <Link to={`/series/${series.id}`}>Weekly from {formatInstant(series.createdAt)}</Link> <StatusBadge status={series.status} /> · {series.lengthMinutes} minutes
          </li>
        ))}
      </ul>
    </section>
  );
}
