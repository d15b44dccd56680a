import type { Knex } from 'knex';

/**
 * What the tutor search needs to stay fast with tens of thousands of tutors. Every sort is a keyset
 * walk ("after this sort key and user id"), so each has a partial index over published tutors in
 * exactly its order, and every order ends in user_id to be total. Descending sorts end in
 * `user_id desc` too, so the keyset test is a plain row comparison the index can start from.
 *
 * Relevance is a function of the profile's own columns, declared immutable so it can be indexed:
 * a Bayesian average of the rating (an unrated tutor counts as five ratings of 4.0, so one 5-star
 * review does not outrank fifty 4.9s) plus a small bonus for a verified identity. The search
 * repository calls the same function, which is how Postgres matches the query to the index.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function tutor_relevance(rating_average numeric, rating_count integer, verification_status text)
    returns numeric
    language sql immutable parallel safe
    return round(
      (coalesce(rating_average, 0) * coalesce(rating_count, 0) + 4.0 * 5) / (coalesce(rating_count, 0) + 5)
        + case when verification_status = 'verified' then 0.25 else 0 end,
      4)
  `);
  await knex.raw(`
    create index tutor_profiles_search_relevance_idx on tutor_profiles
      (tutor_relevance(rating_average, rating_count, verification_status) desc, user_id desc) where published
  `);
  await knex.raw('create index tutor_profiles_search_price_idx on tutor_profiles (hourly_rate_minor, user_id) where published');
  // Unrated tutors sort last: -1 is below every real rating (0–5).
  await knex.raw(`
    create index tutor_profiles_search_rating_idx on tutor_profiles
      ((coalesce(rating_average, -1)) desc, user_id desc) where published
  `);
  await knex.raw('create index tutor_profiles_search_newest_idx on tutor_profiles (created_at desc, user_id desc) where published');

  // The subject and language filters are semi-joins from the other side: "tutors having X".
  await knex.raw('create index tutor_subjects_subject_idx on tutor_subjects (subject_id, tutor_id)');
  // "en" matches "en" and "en-GB": an equality and a prefix range on one index.
  await knex.raw('create index tutor_languages_language_idx on tutor_languages (lower(language) text_pattern_ops, tutor_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists tutor_languages_language_idx');
  await knex.raw('drop index if exists tutor_subjects_subject_idx');
  await knex.raw('drop index if exists tutor_profiles_search_newest_idx');
  await knex.raw('drop index if exists tutor_profiles_search_rating_idx');
  await knex.raw('drop index if exists tutor_profiles_search_price_idx');
  await knex.raw('drop index if exists tutor_profiles_search_relevance_idx');
  await knex.raw('drop function if exists tutor_relevance(numeric, integer, text)');
}
