import { SERVICE_NAMES, type ServiceName } from './profiles.js';

/**
 * In canonical order and without duplicates, so output and start order are stable.
 * No list means every service; an empty list means none (so stop() of a call that started
 * nothing stops nothing).
 */
export function selectServices(services: readonly ServiceName[] | undefined): ServiceName[] {
  if (!services) return [...SERVICE_NAMES];
  return SERVICE_NAMES.filter((name) => services.includes(name));
}
