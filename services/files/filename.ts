/**
 * The uploader's file name, made safe to repeat in a Content-Disposition header. It is never used to
 * build an object key or a path: it only names the file a browser saves.
 */
const MAX_LENGTH = 200;

/** Keeps the last path segment, drops control and quoting characters, trims it to a sane length. */
export function sanitizeFilename(name: string, fallback = 'file'): string {
  const lastSegment = name.split(/[\\/]/).pop() ?? '';
  const cleaned = lastSegment
    .normalize('NFC')
    // Control characters, quotes and the characters Windows refuses in a name.
    .replace(/[\p{Cc}\p{Cf}"*:<>?|;]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  const chars = [...cleaned];
  const shortened = chars.length > MAX_LENGTH ? chars.slice(chars.length - MAX_LENGTH).join('') : cleaned;
  return shortened || fallback;
}

/** RFC 6266: an ASCII fallback for old clients plus the exact UTF-8 name as filename*. */
export function attachmentDisposition(filename: string): string {
  const asciiFallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encoded}`;
}
