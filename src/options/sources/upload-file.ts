import {
  detectEncoding,
  FileParseError,
  type ParsedRow,
  parseFile,
  type TextEncoding,
} from '../../core/file-parsing/index.ts';
import { isUnreadableText } from '../../core/unreadable-text.ts';
import type { FileSegmentView } from '../../messaging/protocol.ts';
import { ask } from '../../ui/worker.ts';

export interface UploadProgress {
  bytesRead: number;
  bytesTotal: number;
  rows: number;
  errors: number;
}

export interface FilePreview {
  fields: readonly string[];
  rows: ParsedRow[];
  /** A header or value of the shown rows holds U+FFFD or NUL: the encoding is likely wrong. */
  unreadable: boolean;
}

const previewRows = 5;
// Enough bytes for the header and a few rows of any sensible file.
const previewBytes = 64 * 1024;

/** The encoding the file is most likely in; reads it once, stopping as soon as that is known. */
export function detectFileEncoding(file: File): Promise<TextEncoding> {
  return detectEncoding(file.stream());
}

/** The header and first rows as the chosen encoding reads them, so people can see their names. */
export async function previewSegmentFile(file: File, encoding: TextEncoding): Promise<FilePreview> {
  let fields: readonly string[] = [];
  const rows: ParsedRow[] = [];
  const sliced = file.slice(0, previewBytes);
  try {
    for await (const page of parseFile(sliced.stream(), { fileName: file.name, encoding, pageSize: 1 })) {
      fields = page.fields;
      rows.push(...page.rows);
      if (rows.length >= previewRows) break;
    }
  } catch (error) {
    // A slice ends mid-record; only a file without a header is worth saying so.
    if (!(error instanceof FileParseError) || rows.length === 0) throw error;
  }
  const shown = rows.slice(0, previewRows);
  const unreadable =
    fields.some(isUnreadableText) || shown.some((row) => Object.values(row.values).some(isUnreadableText));
  return { fields, rows: shown, unreadable };
}

/**
 * Streams a file through the parser and hands it to the worker a page at a time, so a file of
 * hundreds of megabytes never sits in memory whole. The worker makes the upload current only on
 * commit; on any failure the upload is aborted and the previous file, if any, stays.
 */
export async function uploadSegmentFile(
  file: File,
  target: { name: string; encoding: TextEncoding; replaceSourceId?: string | undefined },
  onProgress: (progress: UploadProgress) => void,
  signal: AbortSignal,
): Promise<FileSegmentView> {
  const progress: UploadProgress = { bytesRead: 0, bytesTotal: file.size, rows: 0, errors: 0 };
  const counted = file.stream().pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        progress.bytesRead += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
  const { uploadId } = await ask('files.begin', {
    name: target.name,
    fileName: file.name,
    encoding: target.encoding,
    ...(target.replaceSourceId ? { replaceSourceId: target.replaceSourceId } : {}),
  });
  try {
    let page = 0;
    for await (const parsed of parseFile(counted, { fileName: file.name, encoding: target.encoding })) {
      signal.throwIfAborted();
      await ask('files.page', {
        uploadId,
        page,
        fields: [...parsed.fields],
        rows: parsed.rows,
        errors: parsed.errors.map((e) => ({ line: e.line, reason: e.reason })),
        unreadableLines: parsed.unreadableLines,
      });
      if (parsed.rows.length) page++;
      progress.rows += parsed.rows.length;
      progress.errors += parsed.errors.length;
      onProgress({ ...progress });
    }
    return (await ask('files.commit', { uploadId })).file;
  } catch (error) {
    await ask('files.abort', { uploadId }).catch(() => undefined);
    throw error;
  }
}
