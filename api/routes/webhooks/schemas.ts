import { z } from 'zod';

export const WebhookReceiptSchema = z
  .object({
    received: z.literal(true),
    duplicate: z.boolean().describe('The event had been received before and was not processed again'),
  })
  .meta({ id: 'WebhookReceipt' });
