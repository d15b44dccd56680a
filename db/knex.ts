import knexFactory, { type Knex } from 'knex';
import type { Config } from '../domain/config.js';

/** The application's connection pool. Objection models get it per query (Model.query(db)), never globally. */
export function createKnex(database: Config['database']): Knex {
  return knexFactory({
    client: 'pg',
    // query_timeout is the client's own limit: it holds even when the server is hung (SIGSTOP, a
    // network partition) and answers nothing, where statement_timeout would never be heard.
    connection: { connectionString: database.url, application_name: 'tutorflow', ...(database.queryTimeoutMs > 0 ? { query_timeout: database.queryTimeoutMs } : {}) },
    pool: { min: 0, max: database.poolMax },
    acquireConnectionTimeout: 10_000,
  });
}
