import type { TextEncoding } from './text-encoding.ts';

export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * The source's bytes as text in the given encoding, one chunk at a time. The streaming decoder
 * keeps a multi-byte character that is split between chunks whole, and drops a byte order mark of
 * the encoding. Bytes that do not decode become U+FFFD, which the upload reports.
 */
export async function* textChunks(
  source: ByteSource,
  encoding: TextEncoding = 'utf-8',
): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding);
  for await (const bytes of byteChunks(source)) {
    const text = decoder.decode(bytes, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

// Not every browser makes ReadableStream async-iterable yet; its reader works everywhere.
export async function* byteChunks(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (!(source instanceof ReadableStream)) {
    yield* source;
    return;
  }
  const reader = source.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    // A reader that stopped early (the encoding was known, the parse failed) lets the file go.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
