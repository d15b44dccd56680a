/**
 * Custom search attributes that booking workflows set. The dev server registers them at start-up;
 * the list itself is defined once beside the workflow, so the names and types never drift apart.
 */
export { BOOKING_SEARCH_ATTRIBUTES, type BookingSearchAttributeName } from '../../workflows/booking/search-attributes.js';
