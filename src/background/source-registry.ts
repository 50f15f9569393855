import { FileSource } from '../sources/file/file-source.ts';
import type { SegmentSource } from '../sources/segment-source.ts';
import type { Database } from '../storage/open-database.ts';
import { indexedDbFileStore } from './file-store.ts';

/**
 * Finds the SegmentSource behind a source id. Files are one source per file, all served by one
 * FileSource; other kinds of source register here as they arrive.
 */
export class SourceRegistry {
  private readonly files: FileSource;

  constructor(ready: Promise<Database>) {
    this.files = new FileSource(indexedDbFileStore(ready));
  }

  /** Every source that can list segments, with the source id each segment belongs to. */
  all(): { sourceIdOf: (segmentId: string) => string; source: SegmentSource }[] {
    return [{ sourceIdOf: (segmentId) => segmentId, source: this.files }];
  }

  async sourceFor(sourceId: string): Promise<SegmentSource | undefined> {
    const segments = await this.files.listSegments();
    return segments.some((s) => s.id === sourceId) ? this.files : undefined;
  }
}
