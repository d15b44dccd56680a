import type { Knex } from 'knex';

/** A student's profile: their zone, their avatar and the Stripe customer their saved cards hang on. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table student_profiles (
      user_id uuid primary key references users (id) on delete cascade,
      time_zone text not null,
      stripe_customer_id text unique,
      avatar_file_id uuid references files (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists student_profiles');
}
