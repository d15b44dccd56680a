/**
 * A tutor profile as the API shows it, assembled for many tutors at once: one query per related
 * table for the whole batch, never one per tutor.
 */
import type { Knex } from 'knex';
import type { TutorProfile, VerificationStatus } from '../../db/models/tutor-profile.js';
import type { CancellationPolicy } from '../../domain/cancellation-policy.js';
import type { SubjectRepository } from '../../db/repositories/subject-repository.js';
import type { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import type { FileService } from '../files/file-service.js';

export interface TutorProfileView {
  userId: string;
  displayName: string;
  headline: string;
  bio: string;
  hourlyRateMinor: number;
  currency: string;
  lessonLengths: number[];
  timeZone: string;
  instantBooking: boolean;
  cancellationPolicy: CancellationPolicy;
  verificationStatus: VerificationStatus;
  rating: { average: number | null; count: number };
  subjects: { id: string; name: string }[];
  languages: string[];
  avatarUrl: string | null;
  published: boolean;
  updatedAt: Date;
}

export class TutorProfileViews {
  constructor(
    private readonly profiles: TutorProfileRepository,
    private readonly subjects: SubjectRepository,
    private readonly users: UserRepository,
    private readonly files: FileService,
  ) {}

  async build(rows: TutorProfile[], trx?: Knex.Transaction): Promise<TutorProfileView[]> {
    const ids = rows.map((row) => row.userId);
    const [subjectRows, languageRows, users] = await Promise.all([
      this.profiles.subjectsOf(ids, trx),
      this.profiles.languagesOf(ids, trx),
      this.users.findByIds(ids, trx),
    ]);
    const subjects = await this.subjects.findByIds([...new Set(subjectRows.map((row) => row.subjectId))], trx);
    const subjectNames = new Map(subjects.map((subject) => [subject.id, subject.name]));
    const displayNames = new Map(users.map((user) => [user.id, user.displayName]));
    const avatarUrls = await this.files.avatarUrls(rows.flatMap((row) => (row.avatarFileId ? [row.avatarFileId] : [])));

    return rows.map((row) => ({
      userId: row.userId,
      displayName: displayNames.get(row.userId) ?? '',
      headline: row.headline,
      bio: row.bio,
      hourlyRateMinor: row.hourlyRateMinor,
      currency: row.currency,
      lessonLengths: row.lessonLengths,
      timeZone: row.timeZone,
      instantBooking: row.instantBooking,
      cancellationPolicy: row.cancellationPolicy,
      verificationStatus: row.verificationStatus,
      rating: { average: row.ratingAverage === null ? null : Number(row.ratingAverage), count: row.ratingCount },
      subjects: subjectRows
        .filter((subject) => subject.tutorId === row.userId)
        .map((subject) => ({ id: subject.subjectId, name: subjectNames.get(subject.subjectId) ?? subject.subjectId })),
      languages: languageRows.filter((language) => language.tutorId === row.userId).map((language) => language.language),
      avatarUrl: row.avatarFileId ? (avatarUrls.get(row.avatarFileId) ?? null) : null,
      published: row.published,
      updatedAt: row.updatedAt,
    }));
  }
}
