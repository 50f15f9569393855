import { parseFile } from '../../core/file-parsing/index.ts';
import type { FileSegmentView } from '../../messaging/protocol.ts';
import { ask } from '../../ui/worker.ts';

export interface UploadProgress {
  bytesRead: number;
  bytesTotal: number;
  rows: number;
  errors: number;
}

/**
 * Streams a file through the parser and hands it to the worker a page at a time, so a file of
 * hundreds of megabytes never sits in memory whole. The worker makes the upload current only on
 * commit; on any failure the upload is aborted and the previous file, if any, stays.
 */
export async function uploadSegmentFile(
  file: File,
  target: { name: string; replaceSourceId?: string | undefined },
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
    ...(target.replaceSourceId ? { replaceSourceId: target.replaceSourceId } : {}),
  });
  try {
    let page = 0;
    for await (const parsed of parseFile(counted, { fileName: file.name })) {
      signal.throwIfAborted();
      await ask('files.page', {
        uploadId,
        page,
        fields: [...parsed.fields],
        rows: parsed.rows,
        errors: parsed.errors.map((e) => ({ line: e.line, reason: e.reason })),
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
