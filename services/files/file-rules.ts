/**
 * What each kind of upload may be: the content types it accepts and its largest size. The same
 * table validates the upload request, the confirmed object and the download's forced type.
 */
import type { FilePurpose } from '../../db/models/stored-file.js';

export const MIB = 1024 * 1024;

export const UPLOAD_CONTENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/webp', 'text/plain'] as const;
export type UploadContentType = (typeof UPLOAD_CONTENT_TYPES)[number];

export interface FileRule {
  contentTypes: readonly UploadContentType[];
  maxBytes: number;
}

export const FILE_RULES: Record<FilePurpose, FileRule> = {
  avatar: { contentTypes: ['image/png', 'image/jpeg', 'image/webp'], maxBytes: 5 * MIB },
  verification_document: { contentTypes: ['application/pdf', 'image/png', 'image/jpeg'], maxBytes: 10 * MIB },
  message_attachment: { contentTypes: ['application/pdf', 'image/png', 'image/jpeg', 'image/webp', 'text/plain'], maxBytes: 20 * MIB },
};

/** What a rule refuses about a declared upload, as field messages; empty when it is acceptable. */
export function checkDeclaredUpload(purpose: FilePurpose, contentType: string, size: number): { field: 'contentType' | 'size'; message: string }[] {
  const rule = FILE_RULES[purpose];
  const problems: { field: 'contentType' | 'size'; message: string }[] = [];
  if (!(rule.contentTypes as readonly string[]).includes(contentType)) {
    problems.push({ field: 'contentType', message: `A ${purpose} must be one of: ${rule.contentTypes.join(', ')}` });
  }
  if (size > rule.maxBytes) {
    problems.push({ field: 'size', message: `A ${purpose} may be at most ${rule.maxBytes / MIB} MiB (${rule.maxBytes} bytes)` });
  }
  return problems;
}

/** The Content-Type a download is served with; text gets its charset so browsers never guess one. */
export function servedContentType(contentType: string): string {
  return contentType === 'text/plain' ? 'text/plain; charset=utf-8' : contentType;
}
