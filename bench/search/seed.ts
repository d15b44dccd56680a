/**
 * Seeds a scratch database with a marketplace's worth of tutors, set-based in SQL so 10,000 take
 * seconds: profiles spread over prices, currencies, ratings and zones, one to three subjects, one
 * or two languages, weekly rules for most, and some live bookings in the coming week.
 * Deterministic (no random()), so every run measures the same data.
 */
import type { Knex } from 'knex';

export async function seedTutors(db: Knex, count: number): Promise<void> {
  await db.raw(`
    insert into users (email, role, display_name, time_zone)
    select 'bench-tutor-' || g || '@example.test', 'tutor', 'Tutor ' || g, 'UTC' from generate_series(1, ?) g
  `, [count]);
  await db.raw(`
    insert into users (email, role, display_name, time_zone)
    select 'bench-student-' || g || '@example.test', 'student', 'Student ' || g, 'UTC' from generate_series(1, 200) g
  `);
  await db.raw(`
    with tutors as (
      select id, row_number() over (order by email) as g from users where role = 'tutor'
    )
    insert into tutor_profiles (user_id, headline, bio, hourly_rate_minor, currency, lesson_lengths, time_zone,
                                verification_status, rating_average, rating_count, published, created_at)
    select id,
           'Tutor number ' || g, 'Bio of tutor ' || g,
           1000 + (g * 7919) % 9000,
           (array['USD','USD','USD','USD','USD','USD','USD','USD','EUR','GBP'])[1 + g % 10],
           (array['{60}','{30,60}','{45,90}','{60,90}'])[1 + g % 4]::integer[],
           (array['UTC','Europe/Berlin','America/New_York','Asia/Tokyo','Australia/Sydney','America/Los_Angeles'])[1 + g % 6],
           (array['unverified','verified','pending','unverified','verified','rejected','unverified','verified','unverified','unverified'])[1 + (g / 3) % 10],
           case when g % 5 = 0 then null else round(3 + ((g * 37) % 200) / 100.0, 2) end,
           case when g % 5 = 0 then 0 else (g * 13) % 120 + 1 end,
           g % 10 <> 0,
           now() - (g * interval '37 minutes')
    from tutors
  `);
  // Subjects: the catalogue's leaves; each tutor takes one to three of them.
  await db.raw(`
    with leaves as (select id, row_number() over (order by id) - 1 as n, count(*) over () as total from subjects where parent_id is not null),
         tutors as (select user_id, row_number() over (order by user_id) as g from tutor_profiles)
    insert into tutor_subjects (tutor_id, subject_id)
    select distinct t.user_id, l.id
    from tutors t
    cross join generate_series(0, 2) k
    join leaves l on l.n = (t.g * 7 + k * 11) % l.total
    where k <= t.g % 3
  `);
  await db.raw(`
    with tutors as (select user_id, row_number() over (order by user_id) as g from tutor_profiles)
    insert into tutor_languages (tutor_id, language)
    select distinct user_id, (array['en','en-GB','es','fr','de','pt-BR','zh','ja','en','en'])[1 + (g * (k + 3)) % 10]
    from tutors cross join generate_series(0, 1) k
    where k <= g % 2
  `);
  // Four in five tutors keep weekly hours: weekdays, mornings and afternoons, some evenings too.
  await db.raw(`
    with tutors as (select user_id, row_number() over (order by user_id) as g from tutor_profiles)
    insert into availability_rules (tutor_id, weekday, start_minute, end_minute)
    select user_id, d, s.start_minute, s.end_minute
    from tutors
    cross join generate_series(1, 5) d
    cross join (values (540, 720), (840, 1080), (1140, 1260)) s (start_minute, end_minute)
    where g % 5 <> 0 and (s.start_minute < 1140 or g % 2 = 0)
  `);
  await db.raw(`
    with tutors as (select user_id, row_number() over (order by user_id) as g from tutor_profiles)
    insert into availability_rules (tutor_id, weekday, start_minute, end_minute)
    select user_id, 6, 600, 840 from tutors where g % 4 = 0
  `);
  // Two live lessons per tutor in the coming week. Booking b (tutor g's k-th: b = g - 1 + k × max(count, 200))
  // goes to student b mod 200 at 90-minute step b div 200 from two days ahead: neither a tutor nor a
  // student ever has two lessons at once (both are exclusion constraints; under 200 tutors a tutor's
  // two lessons would share a step without the max).
  await db.raw(`
    with tutors as (select user_id, row_number() over (order by user_id) as g from tutor_profiles),
         students as (select id, row_number() over (order by email) - 1 as s from users where role = 'student'),
         planned as (select t.user_id, t.g, k, (t.g - 1) + k * ? as b from tutors t cross join generate_series(0, 1) k)
    insert into bookings (id, student_id, tutor_id, status, session_start, session_end, blocked_until, time_zone,
                          price_minor, currency, commission_bps, cancellation_policy, request_expires_at,
                          idempotency_key, request_hash)
    select gen_random_uuid(), st.id, p.user_id, 'SCHEDULED', slot, slot + interval '1 hour', slot + interval '75 minutes', 'UTC',
           3000, 'USD', 1500, 'moderate', slot, 'bench-' || p.g || '-' || p.k, 'bench'
    from planned p
    join students st on st.s = p.b % 200
    cross join lateral (select date_trunc('hour', now()) + interval '2 days' + (p.b / 200) * interval '90 minutes' as slot) x
  `, [Math.max(count, 200)]);
  await db.raw('analyze');
}
