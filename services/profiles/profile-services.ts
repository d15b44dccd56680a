/** Builds the profile services (tutor and student profiles, subjects, avatars, verification). */
import type { Knex } from 'knex';
import { StudentProfileRepository } from '../../db/repositories/student-profile-repository.js';
import { SubjectRepository } from '../../db/repositories/subject-repository.js';
import { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import { VerificationDocumentRepository } from '../../db/repositories/verification-document-repository.js';
import type { FileService } from '../files/file-service.js';
import { AvatarService } from './avatar-service.js';
import { StudentProfileService } from './student-profile-service.js';
import { SubjectCatalog } from './subject-catalog.js';
import { TutorProfileService } from './tutor-profile-service.js';
import { TutorProfileViews } from './tutor-profile-view.js';
import { VerificationService } from './verification-service.js';

export interface ProfileServices {
  tutors: TutorProfileService;
  students: StudentProfileService;
  subjects: SubjectCatalog;
  avatars: AvatarService;
  verification: VerificationService;
}

export function createProfileServices(db: Knex, files: FileService): ProfileServices {
  const users = new UserRepository(db);
  const tutorProfiles = new TutorProfileRepository(db);
  const studentProfiles = new StudentProfileRepository(db);
  const subjects = new SubjectRepository(db);
  const views = new TutorProfileViews(tutorProfiles, subjects, users, files);
  return {
    tutors: new TutorProfileService(db, tutorProfiles, subjects, users, views),
    students: new StudentProfileService(studentProfiles, users, files),
    subjects: new SubjectCatalog(subjects),
    avatars: new AvatarService(files, tutorProfiles, studentProfiles, users),
    verification: new VerificationService(db, new VerificationDocumentRepository(db), tutorProfiles, users, files),
  };
}
