import type { Knex } from 'knex';
import { TutorSearchRepository } from '../../db/repositories/tutor-search-repository.js';
import type { ScheduleLoader } from '../availability/schedule-loader.js';
import { TutorSearchService } from './tutor-search-service.js';

export function createTutorSearchService(db: Knex, schedules: ScheduleLoader): TutorSearchService {
  return new TutorSearchService(new TutorSearchRepository(db), schedules);
}
