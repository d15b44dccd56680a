/** What an uploaded file is for, and where it stands: the API's schemas and the files table share these. */
export const FILE_PURPOSES = ['avatar', 'verification_document', 'message_attachment'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

export const FILE_STATUSES = ['pending', 'ready', 'rejected'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];
