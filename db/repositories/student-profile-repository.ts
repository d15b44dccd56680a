import type { Knex } from 'knex';
import { StudentProfile } from '../models/student-profile.js';

/** Every query on student_profiles. */
export class StudentProfileRepository {
  constructor(private readonly db: Knex) {}

  async findByUserId(userId: string, trx?: Knex.Transaction): Promise<StudentProfile | undefined> {
    return StudentProfile.query(trx ?? this.db).findById(userId);
  }

  /** Creates the profile unless it exists (concurrent first writes are fine) and returns the row. */
  async ensure(userId: string, timeZone: string, trx?: Knex.Transaction): Promise<StudentProfile> {
    const db = trx ?? this.db;
    await db('student_profiles').insert({ user_id: userId, time_zone: timeZone }).onConflict('user_id').ignore();
    return (await StudentProfile.query(db).findById(userId))!;
  }

  async update(userId: string, values: Partial<Pick<StudentProfile, 'timeZone' | 'avatarFileId'>>, trx?: Knex.Transaction): Promise<StudentProfile> {
    return StudentProfile.query(trx ?? this.db).patchAndFetchById(userId, { ...values, updatedAt: new Date() });
  }

  /** Stores the Stripe customer unless one is stored already; returns whichever is stored afterwards. */
  async setStripeCustomerIfAbsent(userId: string, customerId: string, trx?: Knex.Transaction): Promise<string | null> {
    const db = trx ?? this.db;
    await StudentProfile.query(db).findById(userId).whereNull('stripe_customer_id').patch({ stripeCustomerId: customerId, updatedAt: new Date() });
    return (await StudentProfile.query(db).findById(userId))?.stripeCustomerId ?? null;
  }
}
