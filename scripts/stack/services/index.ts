import type { ServiceName } from '../profiles.js';
import { minioService } from './minio.js';
import { postgresService } from './postgres.js';
import { redisService } from './redis.js';
import { stripeMockService } from './stripe-mock.js';
import { temporalService } from './temporal.js';
import type { ServiceDefinition } from './types.js';

export const SERVICES: Readonly<Record<ServiceName, ServiceDefinition>> = {
  postgres: postgresService,
  redis: redisService,
  minio: minioService,
  temporal: temporalService,
  'stripe-mock': stripeMockService,
};

export type { ServiceDefinition, ServiceContext } from './types.js';
