/**
 * Checks that stored bytes are what the uploader declared, by their leading "magic" bytes (and, for
 * text, by decoding all of it), so a file declared as a PDF cannot be an HTML page or an executable.
 */
import type { UploadContentType } from './file-rules.js';

/** How many leading bytes the binary signatures need. */
export const SNIFF_BYTES = 16;

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));
const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, index) => bytes[offset + index] === byte);

const SIGNATURES: Record<Exclude<UploadContentType, 'text/plain'>, (head: Uint8Array) => boolean> = {
  'application/pdf': (head) => startsWith(head, ascii('%PDF-')),
  'image/png': (head) => startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/jpeg': (head) => startsWith(head, [0xff, 0xd8, 0xff]),
  // RIFF, four bytes of length, then WEBP.
  'image/webp': (head) => startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8),
};

/** Whether the first bytes of a binary upload carry its declared type's signature. */
export function headMatches(contentType: Exclude<UploadContentType, 'text/plain'>, head: Uint8Array): boolean {
  return SIGNATURES[contentType](head);
}

/**
 * Plain text must be valid UTF-8 and free of NUL bytes (which no text file has, and which would make
 * a binary pass as text). Reads the whole stream, chunk by chunk, without holding it all.
 */
export async function isPlainUtf8Text(chunks: AsyncIterable<Uint8Array>): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of chunks) {
      if (chunk.includes(0)) return false;
      decoder.decode(chunk, { stream: true });
    }
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}
