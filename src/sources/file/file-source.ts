import { z } from 'zod';
import type { MemberPage, SegmentInfo, SegmentSource } from '../segment-source.ts';

/** What the file source needs of storage; the worker backs it with IndexedDB. */
export interface FileStore {
  list(): Promise<StoredFile[]>;
  get(id: string): Promise<StoredFile | undefined>;
  readPage(
    id: string,
    generation: number,
    page: number,
  ): Promise<{ line: number; values: Record<string, string> }[] | undefined>;
}

export interface StoredFile {
  id: string;
  name: string;
  fields: string[];
  rowCount: number;
  pages: number;
  generation: number;
  uploadedAt: number;
}

export class FileSourceError extends Error {
  constructor(
    readonly code: 'file-missing' | 'file-replaced',
    message: string,
  ) {
    super(message);
    this.name = 'FileSourceError';
  }
}

const cursorSchema = z.object({ generation: z.number().int(), page: z.number().int().nonnegative() });

/**
 * Uploaded files as segments: one file is one segment. A cursor names the upload generation, so a
 * run that started on one version of a file never mixes in rows of its replacement.
 */
export class FileSource implements SegmentSource {
  constructor(private readonly store: FileStore) {}

  private async file(id: string): Promise<StoredFile> {
    const file = await this.store.get(id);
    if (!file) throw new FileSourceError('file-missing', 'The segment file was removed.');
    return file;
  }

  async listSegments(): Promise<SegmentInfo[]> {
    return (await this.store.list()).map((f) => ({
      id: f.id,
      displayName: f.name,
      memberCount: f.rowCount,
      lastRefreshedAt: f.uploadedAt,
    }));
  }

  async describeFields(segmentId: string): Promise<string[]> {
    return (await this.file(segmentId)).fields;
  }

  async readMembers(segmentId: string, cursor: string | null): Promise<MemberPage> {
    const file = await this.file(segmentId);
    const position =
      cursor === null ? { generation: file.generation, page: 0 } : cursorSchema.parse(JSON.parse(cursor));
    if (position.generation !== file.generation) {
      throw new FileSourceError(
        'file-replaced',
        'The segment file was replaced during the export. Run it again.',
      );
    }
    if (position.page >= file.pages) return { rows: [], next: null };
    const rows = await this.store.readPage(segmentId, position.generation, position.page);
    if (!rows)
      throw new FileSourceError(
        'file-replaced',
        'The segment file was replaced during the export. Run it again.',
      );
    const nextPage = position.page + 1;
    return {
      rows: rows.map((r) => ({ key: `line-${r.line}`, position: r.line, values: r.values })),
      next:
        nextPage < file.pages ? JSON.stringify({ generation: position.generation, page: nextPage }) : null,
    };
  }
}
