import type { Knex } from 'knex';
import { Subject } from '../models/subject.js';

/** The subject taxonomy (a small table, read whole or by batches of ids). */
export class SubjectRepository {
  constructor(private readonly db: Knex) {}

  async listAll(trx?: Knex.Transaction): Promise<Subject[]> {
    return Subject.query(trx ?? this.db).orderBy('name');
  }

  async findByIds(ids: readonly string[], trx?: Knex.Transaction): Promise<Subject[]> {
    if (ids.length === 0) return [];
    return Subject.query(trx ?? this.db).whereIn('id', ids);
  }
}
