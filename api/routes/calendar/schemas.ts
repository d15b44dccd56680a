import { z } from 'zod';

export const CalendarCallbackQuerySchema = z.object({
  state: z.string().min(1).max(200),
  code: z.string().min(1).max(2048).optional(),
  error: z.string().max(200).optional().describe('Set by Google when the person declined'),
});

export const CalendarConnectStartSchema = z
  .object({
    authorizationUrl: z.url().describe("Send the browser here; Google comes back to the API's calendar callback"),
    expiresAt: z.iso.datetime().describe('The connection must finish before this'),
  })
  .meta({ id: 'CalendarConnectStart' });

export const CalendarConnectedSchema = z
  .object({
    connected: z.literal(true),
    calendarId: z.string().describe('The calendar lessons are written to ("primary": the account\'s own)'),
  })
  .meta({ id: 'CalendarConnected' });

export const CalendarLinkSchema = z
  .object({
    connected: z.boolean(),
    connectedAt: z.iso.datetime().nullable().describe('When the calendar was (last) connected; null when not connected'),
    calendarId: z.string().nullable().describe('Null when not connected'),
  })
  .meta({ id: 'CalendarLink' });
