import { Model, snakeCaseMappers } from 'objection';

/**
 * Columns are snake_case in Postgres and camelCase in code. Models are never bound to a global knex:
 * repositories pass their connection or transaction to every query (Model.query(db)).
 */
export class BaseModel extends Model {
  static override columnNameMappers = snakeCaseMappers();
}
