import { z } from 'zod';

/** The most unreadable lines kept per file with their reasons; beyond that they are only counted. */
export const MAX_REPORTED_FILE_ERRORS = 1_000;

export const fileErrorSchema = z.object({ line: z.number().int().positive(), reason: z.string().max(64) });
export type FileError = z.infer<typeof fileErrorSchema>;
