import { z } from 'zod';

/** What started a run: the user, its schedule, or a refresh of its source's segments. */
export const runTriggerSchema = z.enum(['manual', 'schedule', 'source-refresh']);
export type RunTrigger = z.infer<typeof runTriggerSchema>;
