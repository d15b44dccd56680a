import { describe, expect, it } from 'vitest';
import { MASK_TEXT, maskContactDetails } from './contact-masking.js';

describe('maskContactDetails', () => {
  it.each([
    ['call me on +44 20 7946 0958 tonight', 'phone'],
    ['my number is (555) 123-4567', 'phone'],
    ['0612345678', 'phone'],
    ['whatsapp +33612345', 'phone'],
    ['write to anna.smith+tutor@example.com', 'email'],
    ['anna dot smith at gmail dot com', 'email'],
    ['anna(at)gmail(dot)com', 'email'],
    ['see https://example.org/profile?id=1', 'link'],
    ['www.mysite.net', 'link'],
    ['t.me/annasmith', 'link'],
    ['my site is annasmith.dev', 'link'],
  ])('masks %j as %s', (text, kind) => {
    const result = maskContactDetails(text);
    expect(result.kinds).toEqual([kind]);
    expect(result.text).toContain(MASK_TEXT);
  });

  it('masks each occurrence and reports every kind once', () => {
    const result = maskContactDetails('mail a@b.io or c@d.io, call 06 12 34 56 78, or go to https://x.y');
    expect(result.kinds).toEqual(['phone', 'email', 'link']);
    expect(result.text).not.toMatch(/@|06 12|https/);
  });

  it.each([
    'See you on 2025-03-14 at 10:30, it costs $45.00 for 60 minutes',
    'Chapter 12, exercises 3-7, page 145',
    'The lesson is at 2025-03-14 10:30',
    'I got 95% on the test. Thanks!',
    'e.g. the formula is x = 3.14 * r^2',
  ])('leaves ordinary text alone: %j', (text) => {
    expect(maskContactDetails(text)).toEqual({ text, kinds: [] });
  });
});
