/**
 * Tutors' profiles: the public view, and the owner's writes. A profile is created by its first
 * write; it is listed (published) only once it says enough for a student to choose: a headline, a
 * bio, a rate, at least one subject and one language.
 */
import type { Knex } from 'knex';
import type { Principal } from '../../domain/principal.js';
import type { TutorProfile } from '../../db/models/tutor-profile.js';
import type { CancellationPolicy } from '../../domain/cancellation-policy.js';
import type { SubjectRepository } from '../../db/repositories/subject-repository.js';
import type { TutorProfileRepository, TutorProfileWrite } from '../../db/repositories/tutor-profile-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError, type FieldIssue } from '../../domain/errors.js';
import type { TutorProfileView, TutorProfileViews } from './tutor-profile-view.js';

/** What an owner may set. Formats (zone, language, currency, lengths) are validated by the route. */
export interface TutorProfileChanges {
  headline?: string;
  bio?: string;
  hourlyRateMinor?: number;
  currency?: string;
  lessonLengths?: number[];
  timeZone?: string;
  instantBooking?: boolean;
  cancellationPolicy?: CancellationPolicy;
  subjects?: string[];
  languages?: string[];
  published?: boolean;
}

/** PUT replaces the whole profile (omitted fields take these values); PATCH changes only what it names. */
export type SaveMode = 'replace' | 'merge';

const DEFAULTS = {
  headline: '',
  bio: '',
  lessonLengths: [60],
  instantBooking: false,
  cancellationPolicy: 'moderate' as CancellationPolicy,
  published: false,
};

export class TutorProfileService {
  constructor(
    private readonly db: Knex,
    private readonly profiles: TutorProfileRepository,
    private readonly subjects: SubjectRepository,
    private readonly users: UserRepository,
    private readonly views: TutorProfileViews,
  ) {}

  /** Published profiles are public; an unpublished one exists only for its owner and admins. */
  async getPublic(viewer: Principal | undefined, tutorId: string): Promise<TutorProfileView> {
    const profile = await this.profiles.findByUserId(tutorId);
    const privileged = viewer !== undefined && (viewer.userId === tutorId || viewer.role === 'admin');
    if (!profile || (!profile.published && !privileged)) throw AppError.notFound('The tutor');
    if (!privileged) {
      const user = await this.users.findById(tutorId);
      if (!user || user.disabledAt) throw AppError.notFound('The tutor');
    }
    const [view] = await this.views.build([profile]);
    return view!;
  }

  async getMine(principal: Principal): Promise<TutorProfileView> {
    requireTutor(principal);
    const profile = await this.profiles.findByUserId(principal.userId);
    if (!profile) throw AppError.notFound('Your tutor profile (create it with PUT /api/me/tutor-profile)');
    const [view] = await this.views.build([profile]);
    return view!;
  }

  async save(principal: Principal, changes: TutorProfileChanges, mode: SaveMode): Promise<TutorProfileView> {
    requireTutor(principal);
    // undefined: keep what is stored (PATCH); a PUT that leaves them out clears them.
    const subjectIds = changes.subjects ? [...new Set(changes.subjects)] : mode === 'replace' ? [] : undefined;
    const languages = changes.languages ? [...new Set(changes.languages)] : mode === 'replace' ? [] : undefined;
    await this.checkSubjectsExist(subjectIds);

    const saved = await this.db.transaction(async (trx) => {
      await this.profiles.lockForWrite(principal.userId, trx);
      const existing = await this.profiles.findByUserId(principal.userId, trx);
      const values = await this.resolveValues(principal.userId, existing, changes, mode, trx);

      if (values.published) {
        const subjectCount = subjectIds?.length ?? (await this.profiles.subjectsOf([principal.userId], trx)).length;
        const languageCount = languages?.length ?? (await this.profiles.languagesOf([principal.userId], trx)).length;
        checkPublishable(values, subjectCount, languageCount);
      }

      const row = existing ? await this.profiles.update(principal.userId, values, trx) : await this.profiles.insert(principal.userId, values, trx);
      if (subjectIds) await this.profiles.replaceSubjects(principal.userId, subjectIds, trx);
      if (languages) await this.profiles.replaceLanguages(principal.userId, languages, trx);
      return row;
    });
    const [view] = await this.views.build([saved]);
    return view!;
  }

  private async resolveValues(
    userId: string,
    existing: TutorProfile | undefined,
    changes: TutorProfileChanges,
    mode: SaveMode,
    trx: Knex.Transaction,
  ): Promise<TutorProfileWrite> {
    const base: Partial<TutorProfileWrite> = mode === 'replace' || !existing ? { ...DEFAULTS } : pickWritable(existing);
    const merged = { ...base, ...definedOnly(changes) };
    if (merged.timeZone === undefined) {
      // A first PATCH may leave the zone out: the account's own zone is the best guess.
      merged.timeZone = (await this.users.findById(userId, trx))?.timeZone ?? 'UTC';
    }
    const missing: FieldIssue[] = [];
    if (merged.hourlyRateMinor === undefined) missing.push({ path: 'body.hourlyRateMinor', message: 'Required when the profile is first created' });
    if (merged.currency === undefined) missing.push({ path: 'body.currency', message: 'Required when the profile is first created' });
    if (missing.length > 0) throw AppError.invalidInput('A new tutor profile needs an hourly rate and its currency', missing);
    return merged as TutorProfileWrite;
  }

  private async checkSubjectsExist(subjectIds: string[] | undefined): Promise<void> {
    if (!subjectIds || subjectIds.length === 0) return;
    const known = new Set((await this.subjects.findByIds(subjectIds)).map((subject) => subject.id));
    const issues = subjectIds.flatMap((id, index) =>
      known.has(id) ? [] : [{ path: `body.subjects.${index}`, message: `Unknown subject "${id}"; GET /api/subjects lists them` }],
    );
    if (issues.length > 0) throw AppError.invalidInput('Some subjects are not in the catalogue', issues);
  }
}

function requireTutor(principal: Principal): void {
  if (principal.role !== 'tutor') throw AppError.forbidden('Only tutors have a tutor profile');
}

function checkPublishable(values: TutorProfileWrite, subjectCount: number, languageCount: number): void {
  const issues: FieldIssue[] = [];
  if (values.headline.trim() === '') issues.push({ path: 'body.headline', message: 'A published profile needs a headline' });
  if (values.bio.trim() === '') issues.push({ path: 'body.bio', message: 'A published profile needs a bio' });
  if (subjectCount === 0) issues.push({ path: 'body.subjects', message: 'A published profile needs at least one subject' });
  if (languageCount === 0) issues.push({ path: 'body.languages', message: 'A published profile needs at least one language' });
  if (issues.length > 0) {
    throw new AppError('unprocessable', 'The profile cannot be published until it is complete; see "errors"', { issues });
  }
}

function pickWritable(profile: TutorProfile): TutorProfileWrite {
  const { headline, bio, hourlyRateMinor, currency, lessonLengths, timeZone, instantBooking, cancellationPolicy, published } = profile;
  return { headline, bio, hourlyRateMinor, currency, lessonLengths, timeZone, instantBooking, cancellationPolicy, published };
}

function definedOnly(changes: TutorProfileChanges): Partial<TutorProfileWrite> {
  const { subjects: _subjects, languages: _languages, ...columns } = changes;
  return Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined)) as Partial<TutorProfileWrite>;
}
