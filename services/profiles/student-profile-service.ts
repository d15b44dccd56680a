/**
 * Students' profiles. A student who never wrote one still has a view (their account's zone, no
 * avatar); the row is created by the first write, or when it first needs to hold something.
 */
import type { Principal } from '../../domain/principal.js';
import type { StudentProfile } from '../../db/models/student-profile.js';
import type { StudentProfileRepository } from '../../db/repositories/student-profile-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError } from '../../domain/errors.js';
import type { FileService } from '../files/file-service.js';

export interface StudentProfileView {
  userId: string;
  displayName: string;
  timeZone: string;
  avatarUrl: string | null;
}

export class StudentProfileService {
  constructor(
    private readonly profiles: StudentProfileRepository,
    private readonly users: UserRepository,
    private readonly files: FileService,
  ) {}

  async get(principal: Principal): Promise<StudentProfileView> {
    requireStudent(principal);
    const user = await this.users.findById(principal.userId);
    if (!user) throw AppError.notFound('Your account');
    const profile = await this.profiles.findByUserId(principal.userId);
    return this.view(user.displayName, profile ?? { userId: user.id, timeZone: user.timeZone, avatarFileId: null });
  }

  async update(principal: Principal, changes: { timeZone?: string }): Promise<StudentProfileView> {
    requireStudent(principal);
    const user = await this.users.findById(principal.userId);
    if (!user) throw AppError.notFound('Your account');
    const created = await this.profiles.ensure(principal.userId, changes.timeZone ?? user.timeZone);
    const profile = changes.timeZone ? await this.profiles.update(principal.userId, { timeZone: changes.timeZone }) : created;
    return this.view(user.displayName, profile);
  }

  private async view(displayName: string, profile: Pick<StudentProfile, 'userId' | 'timeZone' | 'avatarFileId'>): Promise<StudentProfileView> {
    const urls = await this.files.avatarUrls(profile.avatarFileId ? [profile.avatarFileId] : []);
    return {
      userId: profile.userId,
      displayName,
      timeZone: profile.timeZone,
      avatarUrl: profile.avatarFileId ? (urls.get(profile.avatarFileId) ?? null) : null,
    };
  }
}

function requireStudent(principal: Principal): void {
  if (principal.role !== 'student') throw AppError.forbidden('Only students have a student profile');
}
