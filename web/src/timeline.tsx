import type { Schemas } from '../../client/index.js';
import { formatInstant } from './format.js';

/** What happened to a booking, oldest first, each moment with its zone. */
export function Timeline({ events }: { events: Schemas['BookingTimeline']['events'] }) {
  return (
    <>
      <h2>Timeline</h2>
      <ol className="timeline">
        {events.map((event, index) => (
          <li key={index}>
            <time dateTime={event.at}>{formatInstant(event.at)}</time> — {event.type.replaceAll(/[._]/g, ' ')} <span className="muted">({event.actor})</span>
          </li>
        ))}
      </ol>
    </>
  );
}
