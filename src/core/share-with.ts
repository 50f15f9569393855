import { z } from 'zod';

/** Who may use a connection (DESIGN.md §7): administrators only, or contributors too. */
export const shareWithSchema = z.enum(['administrators', 'administrators-and-contributors']);
export type ShareWith = z.infer<typeof shareWithSchema>;
