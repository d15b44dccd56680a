import type { Knex } from 'knex';
import type { Language } from '../../domain/notifications.js';
import { User, type Role } from '../models/user.js';

export interface NewUser {
  email: string;
  role: Role;
  displayName: string;
  passwordHash?: string | null;
  googleSub?: string | null;
  timeZone?: string;
  /** Of their emails and notifications; 'en' when absent. */
  language?: Language;
  emailVerifiedAt?: Date | null;
}

/** Every query on users. Methods take an optional transaction so a service can group writes. */
export class UserRepository {
  constructor(private readonly db: Knex) {}

  async insert(user: NewUser, trx?: Knex.Transaction): Promise<User> {
    return User.query(trx ?? this.db).insertAndFetch(user);
  }

  async findById(id: string, trx?: Knex.Transaction): Promise<User | undefined> {
    return User.query(trx ?? this.db).findById(id);
  }

  async findByIds(ids: readonly string[], trx?: Knex.Transaction): Promise<User[]> {
    if (ids.length === 0) return [];
    return User.query(trx ?? this.db).whereIn('id', ids);
  }

  async findByEmail(email: string, trx?: Knex.Transaction): Promise<User | undefined> {
    return User.query(trx ?? this.db).findOne({ email });
  }
}
