import knexFactory, { type Knex } from 'knex';
import type { Config } from '../domain/config.js';

/** The application's connection pool. Objection models get it per query (Model.query(db)), never globally. */
export function createKnex(database: Config['database']): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString: database.url, application_name: 'tutorflow' },
    pool: { min: 0, max: database.poolMax },
    acquireConnectionTimeout: 10_000,
  });
}
