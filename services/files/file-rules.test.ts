import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { headMatches, isPlainUtf8Text } from './content-sniffing.js';
import { attachmentDisposition, sanitizeFilename } from './filename.js';
import { checkDeclaredUpload, MIB } from './file-rules.js';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('checkDeclaredUpload', () => {
  it('accepts each purpose within its types and size', () => {
    expect(checkDeclaredUpload('avatar', 'image/webp', 5 * MIB)).toEqual([]);
    expect(checkDeclaredUpload('verification_document', 'application/pdf', 10 * MIB)).toEqual([]);
    expect(checkDeclaredUpload('message_attachment', 'text/plain', 20 * MIB)).toEqual([]);
  });

  it('names the type and the size it refuses', () => {
    expect(checkDeclaredUpload('avatar', 'application/pdf', 5 * MIB + 1).map((problem) => problem.field)).toEqual(['contentType', 'size']);
    expect(checkDeclaredUpload('verification_document', 'image/webp', 1)[0]?.field).toBe('contentType');
  });
});

describe('headMatches', () => {
  it('recognises each signature and refuses the others', () => {
    expect(headMatches('image/png', PNG)).toBe(true);
    expect(headMatches('application/pdf', PNG)).toBe(false);
    expect(headMatches('application/pdf', new TextEncoder().encode('%PDF-1.7\n'))).toBe(true);
    expect(headMatches('image/jpeg', Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe(true);
    expect(headMatches('image/webp', new TextEncoder().encode('RIFF\x10\x00\x00\x00WEBPVP8 '))).toBe(true);
    expect(headMatches('image/webp', new TextEncoder().encode('RIFF\x10\x00\x00\x00WAVEfmt '))).toBe(false);
    expect(headMatches('image/png', PNG.slice(0, 4))).toBe(false);
  });
});

describe('isPlainUtf8Text', () => {
  it('accepts UTF-8 split anywhere across chunks', async () => {
    const bytes = new TextEncoder().encode('héllo wörld ✓');
    expect(await isPlainUtf8Text(Readable.from([bytes.slice(0, 2), bytes.slice(2, 13), bytes.slice(13)]))).toBe(true);
  });

  it('refuses NUL bytes and invalid UTF-8', async () => {
    expect(await isPlainUtf8Text(Readable.from([Uint8Array.from([0x68, 0x00, 0x69])]))).toBe(false);
    expect(await isPlainUtf8Text(Readable.from([Uint8Array.from([0x68, 0xc3])]))).toBe(false);
    expect(await isPlainUtf8Text(Readable.from([PNG]))).toBe(false);
  });
});

describe('filenames', () => {
  it('keeps only a safe last segment', () => {
    expect(sanitizeFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFilename('C:\\Users\\me\\CV "final".pdf')).toBe('CV final.pdf');
    expect(sanitizeFilename('report\r\nSet-Cookie: x.pdf')).toBe('reportSet-Cookie x.pdf');
    expect(sanitizeFilename('...')).toBe('file');
    expect([...sanitizeFilename(`${'a'.repeat(500)}.pdf`)].length).toBe(200);
  });

  it('writes an attachment disposition with an ASCII fallback and the UTF-8 name', () => {
    expect(attachmentDisposition("Zoë's notes.txt")).toBe(`attachment; filename="Zo_'s notes.txt"; filename*=UTF-8''Zo%C3%AB%27s%20notes.txt`);
  });
});
