/**
 * Password hashing with argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane): strong enough for
 * stolen-database attacks while a login stays around tens of milliseconds on a small server.
 * Hashes carry their own parameters, so raising these later still verifies old hashes, and a
 * successful login re-hashes with the new ones (see needsRehash).
 */
import argon2 from 'argon2';

export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  async hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      // A malformed stored hash must not turn into a 500 or a way in.
      return false;
    }
  }

  /**
   * Spends the same work as a real verification and always fails: used when the account does not
   * exist (or has no password), so the answer's timing does not reveal which emails are registered.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hash('tutorflow-dummy-password-never-matches');
    await this.verify(await this.dummyHash, password);
    return false;
  }

  needsRehash(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, ARGON2_OPTIONS);
    } catch {
      return true;
    }
  }
}
