import { z } from 'zod';
import { MAX_FIELD_NAME_LENGTH, MAX_FIELDS } from '../core/file-parsing/header-fields.ts';
import { fileErrorSchema } from '../core/file-parsing/reported-errors.ts';
import { textEncodings } from '../core/file-parsing/text-encoding.ts';
import { ownRecordSchema } from '../core/own-record.ts';
import { accepted, type MessageSpec } from './spec.ts';
/** Rows per upload message: large enough to move a million rows quickly, small enough to stay flat. */
export const UPLOAD_PAGE_ROWS = 1_000;

const fileName = z.string().trim().min(1).max(255);
const segmentName = z.string().trim().min(1).max(100);
const fieldName = z.string().min(1).max(MAX_FIELD_NAME_LENGTH);

export const fileSegmentViewSchema = z.object({
  id: z.string(),
  kind: z.literal('file'),
  name: z.string(),
  fileName: z.string(),
  fields: z.array(z.string()),
  memberCount: z.number().int().nonnegative(),
  errorCount: z.number().int().nonnegative(),
  errors: z.array(fileErrorSchema),
  encoding: z.enum(textEncodings),
  /** Rows with text the encoding could not decode, and the first of their lines. */
  unreadableCount: z.number().int().nonnegative(),
  unreadableLines: z.array(z.number().int().positive()),
  uploadedAt: z.number(),
  usedBy: z.array(z.string()),
});
export type FileSegmentView = z.infer<typeof fileSegmentViewSchema>;

export const sourceMessages = {
  'sources.list': {
    request: z.object({}).strict(),
    response: z.object({ files: z.array(fileSegmentViewSchema) }),
  },
  'files.begin': {
    request: z
      .object({
        name: segmentName,
        fileName,
        encoding: z.enum(textEncodings),
        replaceSourceId: z.string().optional(),
      })
      .strict(),
    response: z.object({ uploadId: z.string() }),
  },
  'files.page': {
    request: z
      .object({
        uploadId: z.string(),
        page: z.number().int().nonnegative(),
        fields: z.array(fieldName).max(MAX_FIELDS),
        rows: z
          .array(
            z.object({ line: z.number().int().positive(), values: ownRecordSchema(z.string()) }).strict(),
          )
          .max(UPLOAD_PAGE_ROWS),
        errors: z.array(fileErrorSchema).max(UPLOAD_PAGE_ROWS),
        unreadableLines: z.array(z.number().int().positive()).max(UPLOAD_PAGE_ROWS),
      })
      .strict(),
    response: accepted,
  },
  'files.commit': {
    request: z.object({ uploadId: z.string() }).strict(),
    response: z.object({ file: fileSegmentViewSchema }),
  },
  'files.abort': { request: z.object({ uploadId: z.string() }).strict(), response: accepted },
  'files.rename': {
    request: z.object({ id: z.string(), name: segmentName }).strict(),
    response: accepted,
  },
  'files.remove': { request: z.object({ id: z.string() }).strict(), response: accepted },
} as const satisfies Record<string, MessageSpec>;
