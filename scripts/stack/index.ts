/**
 * Local infrastructure for Tutorflow: pinned servers (PostgreSQL, Redis, MinIO, Temporal,
 * stripe-mock) installed into a per-version cache and run detached, per profile, on loopback.
 * The CLI is scripts/stack/cli.ts; this is the programmatic API for tests and scripts.
 */
export { startStack } from './start-stack.js';
export { stopStack } from './stop-stack.js';
export { stackStatus } from './stack-status.js';
export type { StartStackOptions, StartedStack } from './start-stack.js';
export type { StopStackOptions, StopResult } from './stop-stack.js';
export type { ServiceStatus } from './stack-status.js';
export { startRedisServer } from './redis-server.js';
export type { ThrowawayRedis, StartRedisServerOptions } from './redis-server.js';
export { freePort } from './util/free-port.js';
export { binaries, provisionAll, provisionTemporalTestServer } from './provision/index.js';
export type { StackBinaries } from './provision/index.js';
export type { StackLog } from './log.js';
export { stackEnv } from './env.js';
export { STACK_PROFILES, PROFILE_NAMES, SERVICE_NAMES, LOOPBACK, stackProfile, isProfileName, isServiceName } from './profiles.js';
export type { ProfileName, ServiceName, StackProfile } from './profiles.js';
export { BOOKING_SEARCH_ATTRIBUTES } from './search-attributes.js';
export type { BookingSearchAttributeName } from './search-attributes.js';
export { VERSIONS } from './versions.js';
export { cacheRoot } from './paths.js';
