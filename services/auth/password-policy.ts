/**
 * What a new password must be. Length is what matters most (NIST SP 800-63B); composition rules
 * are left out on purpose. The upper bound keeps one request from costing unbounded hashing time.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/** Every reason the password is refused, written for the person choosing it; empty when it is fine. */
export function passwordProblems(password: string, context: { email: string }): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters long`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters long`);
  if (password.trim().toLowerCase() === context.email.trim().toLowerCase()) problems.push('must not be your email address');
  return problems;
}
