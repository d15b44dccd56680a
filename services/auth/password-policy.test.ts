import { describe, expect, it } from 'vitest';
import { passwordProblems } from './password-policy.js';

describe('passwordProblems', () => {
  const email = 'Ada@Example.test';

  it('accepts a long enough password that is not the email', () => {
    expect(passwordProblems('correct horse battery', { email })).toEqual([]);
    expect(passwordProblems('0123456789', { email })).toEqual([]);
  });

  it('refuses fewer than ten characters, counting characters rather than bytes', () => {
    expect(passwordProblems('123456789', { email })).toEqual(['must be at least 10 characters long']);
    expect(passwordProblems('ééééééééé', { email })).toEqual(['must be at least 10 characters long']);
  });

  it('refuses the email address itself, whatever its case', () => {
    expect(passwordProblems('ada@example.test', { email })).toEqual(['must not be your email address']);
  });

  it('refuses absurdly long passwords', () => {
    expect(passwordProblems('x'.repeat(257), { email })).toEqual(['must be at most 256 characters long']);
  });
});
