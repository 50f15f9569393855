import type { createSourceHandlers } from '../../../src/background/source-handlers.ts';
import { parseFile, type TextEncoding } from '../../../src/core/file-parsing/index.ts';

const ctx = { tabId: undefined, role: 'administrator' as const };

/** Uploads a file the way the options page does: parse in pages, send each, commit. */
export async function uploadFile(
  h: ReturnType<typeof createSourceHandlers>,
  text: string | Uint8Array,
  name: string,
  replaceSourceId?: string,
  encoding: TextEncoding = 'utf-8',
) {
  const { uploadId } = await h['files.begin'](
    { name, fileName: `${name}.csv`, encoding, ...(replaceSourceId ? { replaceSourceId } : {}) },
    ctx,
  );
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  let page = 0;
  for await (const parsed of parseFile(chunksOf(bytes), {
    fileName: `${name}.csv`,
    encoding,
    pageSize: 100,
  })) {
    await h['files.page'](
      {
        uploadId,
        page,
        fields: [...parsed.fields],
        rows: parsed.rows,
        errors: parsed.errors,
        unreadableLines: parsed.unreadableLines,
      },
      ctx,
    );
    if (parsed.rows.length) page++;
  }
  return h['files.commit']({ uploadId }, ctx);
}

async function* chunksOf(bytes: Uint8Array) {
  yield bytes;
}
