/** Puts a user's uploaded, confirmed image on their tutor or student profile. */
import type { Principal } from '../../domain/principal.js';
import type { StudentProfileRepository } from '../../db/repositories/student-profile-repository.js';
import type { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError } from '../../domain/errors.js';
import type { FileService } from '../files/file-service.js';

export class AvatarService {
  constructor(
    private readonly files: FileService,
    private readonly tutorProfiles: TutorProfileRepository,
    private readonly studentProfiles: StudentProfileRepository,
    private readonly users: UserRepository,
  ) {}

  async setAvatar(principal: Principal, fileId: string): Promise<{ fileId: string; avatarUrl: string }> {
    if (principal.role === 'admin') throw AppError.forbidden('Admins have no profile to put an avatar on');
    const file = await this.files.ownedFile(principal, fileId);
    if (file.purpose !== 'avatar') throw new AppError('unprocessable', `The file was uploaded as a ${file.purpose}, not an avatar`);
    if (file.status !== 'ready') throw AppError.conflict(`The file is ${file.status}; confirm its upload first`);

    if (principal.role === 'tutor') {
      if (!(await this.tutorProfiles.findByUserId(principal.userId))) {
        throw AppError.conflict('Create your tutor profile (PUT /api/me/tutor-profile) before adding an avatar');
      }
      await this.tutorProfiles.setAvatar(principal.userId, file.id);
    } else {
      const user = await this.users.findById(principal.userId);
      if (!user) throw AppError.notFound('Your account');
      await this.studentProfiles.ensure(principal.userId, user.timeZone);
      await this.studentProfiles.update(principal.userId, { avatarFileId: file.id });
    }
    const urls = await this.files.avatarUrls([file.id]);
    return { fileId: file.id, avatarUrl: urls.get(file.id)! };
  }
}
