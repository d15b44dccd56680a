/**
 * Reviews (README "Reviews"): the page the "How was your lesson?" email links to
 * (/bookings/{id}/review), where the student writes and edits a review and the tutor replies once
 * or reports it; a tutor's public reviews; and the admins' moderation list.
 */
import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { formatInstant } from '../format.js';
import { Link } from '../router.js';
import { api, useSession } from '../session.js';
import { ErrorMessage, Field, Notice, Page, SelectField, Show, TextAreaField, useAction, useLoad } from '../ui.js';

type Review = Schemas['Review'];
type PublicReview = Schemas['PublicReview'];
type ModeratedReview = Schemas['ModeratedReview'];

const RATING_WORDS = ['', 'poor', 'fair', 'good', 'very good', 'excellent'] as const;

/** "★★★★☆ 4 out of 5": the stars for the eye, the words for everyone. */
export function Rating({ value }: { value: number }) {
  return (
    <span className="rating">
      <span aria-hidden="true">{'★'.repeat(value) + '☆'.repeat(5 - value)}</span> {value} out of 5
    </span>
  );
}

/** The lesson's review for its student (write, edit in the window), its tutor (reply once, report) and admins. */
export function LessonReview({ bookingId }: { bookingId: string }) {
  const role = useSession()!.account.role;
  const booking = useLoad(async () => unwrap(await api.GET('/api/bookings/{id}/timeline', { params: { path: { id: bookingId } } })).booking, [bookingId]);
  const review = useLoad(async () => {
    const answer = await api.GET('/api/bookings/{id}/review', { params: { path: { id: bookingId } } });
    // 404: the lesson has no review yet.
    return answer.response.status === 404 ? null : unwrap(answer);
  }, [bookingId]);
  const tutorId = booking.data?.tutorId;
  const tutor = useLoad(async () => (tutorId ? unwrap(await api.GET('/api/tutors/{id}', { params: { path: { id: tutorId } } })) : undefined), [tutorId]);

  return (
    <Page title={role === 'student' ? 'How was your lesson?' : 'The lesson’s review'}>
      <Show loaded={booking}>
        {(lesson) => (
          <>
            <p className="card">
              Lesson {tutor.data ? `with ${tutor.data.displayName} ` : ''}on {formatInstant(lesson.sessionStart)} ·{' '}
              <Link to={role === 'admin' ? `/admin/bookings/${lesson.id}` : `/bookings/${lesson.id}`}>the booking</Link>
            </p>
            <Show loaded={review}>
              {(current) =>
                current ? (
                  <ReviewShown review={current} role={role} onChanged={review.reload} />
                ) : role === 'student' && lesson.status === 'ENDED' ? (
                  <ReviewForm bookingId={bookingId} onSaved={review.reload} />
                ) : (
                  <p>{lesson.status === 'ENDED' ? 'No review yet.' : 'The lesson can be reviewed once it has ended.'}</p>
                )
              }
            </Show>
          </>
        )}
      </Show>
    </Page>
  );
}

/** Writes a new review (the booking's) or edits one (the review's). */
function ReviewForm({ bookingId, editing, onSaved, onCancel }: { bookingId?: string; editing?: Review; onSaved: () => void; onCancel?: () => void }) {
  const [rating, setRating] = useState(editing?.rating ?? 0);
  const [text, setText] = useState(editing?.text ?? '');
  const action = useAction();
  const save = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const body = { rating, text };
      if (editing) unwrap(await api.PUT('/api/reviews/{id}', { params: { path: { id: editing.id } }, body }));
      else unwrap(await api.POST('/api/bookings/{id}/review', { params: { path: { id: bookingId! } }, body }));
      onSaved();
    });
  };
  return (
    <form className="card" onSubmit={save} aria-label={editing ? 'Edit your review' : 'Write your review'}>
      <fieldset className="rating-choice">
        <legend>Your rating</legend>
        {[1, 2, 3, 4, 5].map((value) => (
          <label key={value}>
            <input type="radio" name="rating" value={value} required checked={rating === value} onChange={() => setRating(value)} /> {value} — {RATING_WORDS[value]}
          </label>
        ))}
      </fieldset>
      <TextAreaField label="What was the lesson like?" required maxLength={4000} value={text} onChange={(event) => setText(event.target.value)} />
      <ErrorMessage message={action.error} />
      <div className="actions">
        <button type="submit" disabled={action.busy}>
          {editing ? 'Save changes' : 'Publish review'}
        </button>
        {onCancel ? (
          <button type="button" className="secondary" onClick={onCancel}>
            Keep it as it is
          </button>
        ) : null}
      </div>
    </form>
  );
}

function ReviewShown({ review, role, onChanged }: { review: Review; role: string; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const editable = role === 'student' && !review.hidden && Date.parse(review.editableUntil) > Date.now();
  if (editing)
    return (
      <ReviewForm
        editing={review}
        onSaved={() => {
          setEditing(false);
          onChanged();
        }}
        onCancel={() => setEditing(false)}
      />
    );
  return (
    <article className="card" aria-labelledby="review-title" data-testid="review">
      <h2 id="review-title">{role === 'student' ? 'Your review' : 'The student’s review'}</h2>
      {review.hidden ? <Notice>Hidden by a moderator{review.hiddenReason ? `: ${review.hiddenReason}` : ''}. It is not listed publicly nor counted in the rating.</Notice> : null}
      <p>
        <Rating value={review.rating} />
      </p>
      <p className="review-text">{review.text}</p>
      <p className="muted">
        Written {formatInstant(review.createdAt)}
        {review.updatedAt !== review.createdAt ? `, edited ${formatInstant(review.updatedAt)}` : ''}
      </p>
      {editable ? (
        <p>
          <button type="button" className="secondary" onClick={() => setEditing(true)}>
            Edit your review
          </button>{' '}
          <span className="muted">You can edit it until {formatInstant(review.editableUntil)}.</span>
        </p>
      ) : null}
      {review.reply ? (
        <section aria-labelledby="reply-title">
          <h3 id="reply-title">The tutor’s reply</h3>
          <p className="review-text">{review.reply}</p>
          {review.repliedAt ? <p className="muted">Replied {formatInstant(review.repliedAt)}</p> : null}
        </section>
      ) : null}
      {role === 'tutor' && !review.reply && !review.hidden ? <ReplyForm reviewId={review.id} onSaved={onChanged} /> : null}
      {role === 'tutor' && !review.hidden ? <ReportForm reviewId={review.id} /> : null}
    </article>
  );
}

function ReplyForm({ reviewId, onSaved }: { reviewId: string; onSaved: () => void }) {
  const [text, setText] = useState('');
  const action = useAction();
  const reply = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      unwrap(await api.POST('/api/reviews/{id}/reply', { params: { path: { id: reviewId } }, body: { text } }));
      onSaved();
    });
  };
  return (
    <form onSubmit={reply} aria-label="Reply to the review">
      <TextAreaField label="Your reply (once, shown publicly under the review)" required maxLength={4000} value={text} onChange={(event) => setText(event.target.value)} />
      <ErrorMessage message={action.error} />
      <button type="submit" disabled={action.busy}>
        Publish reply
      </button>
    </form>
  );
}

/** A tutor asks the moderators to look at a review that breaks the rules; it stays public until they decide. */
function ReportForm({ reviewId }: { reviewId: string }) {
  const [reason, setReason] = useState('');
  const [sent, setSent] = useState(false);
  const action = useAction();
  const report = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      unwrap(await api.POST('/api/reviews/{id}/report', { params: { path: { id: reviewId } }, body: { reason } }));
      setSent(true);
    });
  };
  if (sent) return <Notice>Reported: a moderator will look at it. It stays public until they decide.</Notice>;
  return (
    <details>
      <summary>Report this review to the moderators</summary>
      <form onSubmit={report} aria-label="Report the review">
        <Field label="What breaks the rules (personal details, abuse, not about the lesson)" required value={reason} onChange={(event) => setReason(event.target.value)} />
        <ErrorMessage message={action.error} />
        <button type="submit" className="secondary" disabled={action.busy}>
          Report
        </button>
      </form>
    </details>
  );
}

/** A tutor's visible reviews on their public page, newest first, more on demand. */
export function TutorReviews({ tutorId, rating }: { tutorId: string; rating: { average: number | null; count: number } }) {
  const [pages, setPages] = useState<PublicReview[][]>([]);
  // undefined until a second page was read: then the last page's nextCursor (null at the end).
  const [cursor, setCursor] = useState<string | null | undefined>();
  const first = useLoad(async () => unwrap(await api.GET('/api/tutors/{id}/reviews', { params: { path: { id: tutorId }, query: { limit: 10 } } })), [tutorId]);
  const more = useAction();
  const next = (cursor === undefined ? first.data?.nextCursor : cursor) ?? undefined;
  const loadMore = () =>
    more.run(async () => {
      const page = unwrap(await api.GET('/api/tutors/{id}/reviews', { params: { path: { id: tutorId }, query: { limit: 10, cursor: next } } }));
      setPages([...pages, page.items]);
      setCursor(page.nextCursor);
    });
  return (
    <section aria-labelledby="reviews-title">
      <h2 id="reviews-title">Reviews</h2>
      <p data-testid="tutor-rating">
        {rating.count === 0 || rating.average === null ? (
          'No ratings yet.'
        ) : (
          <>
            Rated {rating.average.toFixed(1)} out of 5 from {rating.count} {rating.count === 1 ? 'review' : 'reviews'}.
          </>
        )}
      </p>
      <Show loaded={first}>
        {({ items }) => (
          <ul className="cards" aria-label="Reviews">
            {[...items, ...pages.flat()].map((review) => (
              <li key={review.id} className="card">
                <p>
                  <Rating value={review.rating} /> · {review.studentName} · <span className="muted">{formatInstant(review.createdAt)}</span>
                </p>
                <p className="review-text">{review.text}</p>
                {review.reply ? (
                  <p className="reply">
                    <strong>The tutor’s reply:</strong> {review.reply}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Show>
      <ErrorMessage message={more.error} />
      {next ? (
        <button type="button" className="secondary" disabled={more.busy} onClick={() => void loadMore()}>
          More reviews
        </button>
      ) : null}
    </section>
  );
}

type View = 'recent' | 'reported' | 'hidden';

/** Admins moderate reviews: recent, reported or hidden, and hide one with a reason (kept in the audit log). */
export function AdminReviews() {
  const [view, setView] = useState<View>('reported');
  const [maxRating, setMaxRating] = useState('');
  const list = useLoad(
    async () => unwrap(await api.GET('/api/admin/reviews', { params: { query: { view, limit: 50, ...(maxRating ? { maxRating: Number(maxRating) } : {}) } } })),
    [view, maxRating],
  );
  return (
    <Page title="Reviews to moderate">
      <div className="filters card" role="search" aria-label="Filter reviews">
        <SelectField label="Show" value={view} onChange={(event) => setView(event.target.value as View)}>
          <option value="reported">Reported</option>
          <option value="recent">Recent</option>
          <option value="hidden">Hidden</option>
        </SelectField>
        <SelectField label="Rating at most" value={maxRating} onChange={(event) => setMaxRating(event.target.value)}>
          <option value="">Any</option>
          {[1, 2, 3, 4].map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </SelectField>
      </div>
      <Show loaded={list}>
        {({ items }) =>
          items.length === 0 ? (
            <p>No review here.</p>
          ) : (
            <ul className="cards" aria-label="Reviews">
              {items.map((review) => (
                <ModeratedRow key={review.id} review={review} onChanged={list.reload} />
              ))}
            </ul>
          )
        }
      </Show>
    </Page>
  );
}

function ModeratedRow({ review, onChanged }: { review: ModeratedReview; onChanged: () => void }) {
  const [reason, setReason] = useState('');
  const action = useAction();
  const hide = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      unwrap(await api.POST('/api/admin/reviews/{id}/hide', { params: { path: { id: review.id } }, body: { reason } }));
      onChanged();
    });
  };
  return (
    <li className="card" data-review-id={review.id}>
      <h2>
        {review.studentName} on {review.tutorName}
      </h2>
      <p>
        <Rating value={review.rating} /> · <span className="muted">{formatInstant(review.createdAt)}</span> · <Link to={`/admin/bookings/${review.bookingId}`}>the booking</Link>
      </p>
      <p className="review-text">{review.text}</p>
      {review.reply ? <p className="reply">Tutor’s reply: {review.reply}</p> : null}
      {review.reportCount > 0 ? (
        <p>
          Reported {review.reportCount} {review.reportCount === 1 ? 'time' : 'times'}
          {review.lastReport ? `; last ${formatInstant(review.lastReport.at)}: “${review.lastReport.reason}”` : ''}
        </p>
      ) : null}
      {review.hidden ? (
        <p>Hidden: {review.hiddenReason}</p>
      ) : (
        <form className="actions" onSubmit={hide} aria-label={`Hide ${review.studentName}’s review`}>
          <Field label="Reason for hiding (kept in the audit log)" required value={reason} onChange={(event) => setReason(event.target.value)} />
          <ErrorMessage message={action.error} />
          <button type="submit" className="danger" disabled={action.busy}>
            Hide review
          </button>
        </form>
      )}
    </li>
  );
}
