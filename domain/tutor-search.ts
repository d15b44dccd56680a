/** The orders a tutor search may ask for. */
export const SEARCH_SORTS = ['relevance', 'price_asc', 'price_desc', 'rating', 'newest'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];
