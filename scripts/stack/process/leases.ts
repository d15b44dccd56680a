import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileDirs } from '../paths.js';
import type { ServiceName } from '../profiles.js';
import { isAlive } from './liveness.js';

/**
 * Several processes can use one profile's stack at once (two `npm test` runs on a shared machine).
 * Each startStack call holds a lease while it uses the stack; a caller that stops while others
 * still hold leases hands the services it started over to them instead of pulling them from under
 * their feet, and the last caller to stop stops those too. Services started by `stack up` are
 * never handed over, because the CLI never calls stop(): they keep running until `stack down`.
 * Every function here runs under the profile lock.
 */
const leasesDir = (dirs: ProfileDirs): string => join(dirs.run, 'leases');
const handoverFile = (dirs: ProfileDirs): string => join(dirs.run, 'handover.json');

export function takeLease(dirs: ProfileDirs): string {
  mkdirSync(leasesDir(dirs), { recursive: true });
  const id = `${process.pid}-${randomUUID().slice(0, 8)}`;
  writeFileSync(join(leasesDir(dirs), id), String(process.pid));
  return id;
}

export function releaseLease(dirs: ProfileDirs, id: string): void {
  rmSync(join(leasesDir(dirs), id), { force: true });
}

/** Pids of other live lease holders; leases of processes that died are dropped on the way. */
export function otherLeaseHolders(dirs: ProfileDirs): number[] {
  if (!existsSync(leasesDir(dirs))) return [];
  const holders: number[] = [];
  for (const id of readdirSync(leasesDir(dirs))) {
    const pid = Number.parseInt(id, 10);
    if (isAlive(pid)) holders.push(pid);
    else rmSync(join(leasesDir(dirs), id), { force: true });
  }
  return holders;
}

export function handedOver(dirs: ProfileDirs): ServiceName[] {
  if (!existsSync(handoverFile(dirs))) return [];
  return JSON.parse(readFileSync(handoverFile(dirs), 'utf8')) as ServiceName[];
}

export function setHandedOver(dirs: ProfileDirs, services: readonly ServiceName[]): void {
  if (services.length === 0) rmSync(handoverFile(dirs), { force: true });
  else writeFileSync(handoverFile(dirs), JSON.stringify([...new Set(services)]));
}

/** A service that was stopped (`down`) or started afresh by someone is no longer anybody's to hand over. */
export function forgetHandover(dirs: ProfileDirs, services: readonly ServiceName[]): void {
  setHandedOver(dirs, handedOver(dirs).filter((name) => !services.includes(name)));
}
