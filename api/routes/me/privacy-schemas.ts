import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });

export const ExportIdParams = z.object({ id: z.uuid().describe('The export id') });

export const DataExportSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(['pending', 'ready', 'failed']),
    requestedAt: instant,
    readyAt: instant.nullable(),
    sizeBytes: z.number().int().nullable(),
    failure: z.string().nullable().describe('Why it could not be built (failed)'),
    download: z
      .object({ url: z.string().describe('A presigned GET of the JSON archive'), expiresAt: instant })
      .nullable()
      .describe('While ready: a fresh link each time you ask'),
  })
  .meta({ id: 'DataExport' });
