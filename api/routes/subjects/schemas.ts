import { z } from 'zod';

export const SubjectSchema = z
  .object({
    id: z.string().describe('Slug, e.g. "math.algebra"'),
    name: z.string(),
    get children() {
      return z.array(SubjectSchema);
    },
  })
  .meta({ id: 'Subject' });

export const SubjectTreeSchema = z.object({ items: z.array(SubjectSchema) }).meta({ id: 'SubjectTree' });
