import { FileSource } from '../sources/file/file-source.ts';
import type { SegmentSource } from '../sources/segment-source.ts';
import type { Database } from '../storage/open-database.ts';
import type { CustomerInsightsEnvironments } from './customer-insights/environments.ts';
import { indexedDbFileStore } from './file-store.ts';

/**
 * Finds the SegmentSource behind a source id. Files are one source per file, all served by one
 * FileSource; a Customer Insights environment is one source (its record id), whose segment ids
 * are the segments' output names. `others` are sources by their own id (tests' memory sources).
 */
export class SourceRegistry {
  private readonly files: FileSource;

  constructor(
    db: Database,
    private readonly customerInsights?: CustomerInsightsEnvironments,
    private readonly others: ReadonlyMap<string, SegmentSource> = new Map(),
  ) {
    this.files = new FileSource(indexedDbFileStore(db));
  }

  /** Every source that can list segments, with the source id each segment belongs to. */
  async all(): Promise<{ sourceIdOf: (segmentId: string) => string; source: SegmentSource }[]> {
    const environments = (await this.customerInsights?.listed()) ?? [];
    return [
      { sourceIdOf: (segmentId) => segmentId, source: this.files },
      ...environments.map(({ sourceId, source }) => ({ sourceIdOf: () => sourceId, source })),
      ...[...this.others].map(([sourceId, source]) => ({ sourceIdOf: () => sourceId, source })),
    ];
  }

  async sourceFor(sourceId: string): Promise<SegmentSource | undefined> {
    const other = this.others.get(sourceId);
    if (other) return other;
    const environment = await this.customerInsights?.sourceFor(sourceId);
    if (environment) return environment;
    const segments = await this.files.listSegments();
    return segments.some((s) => s.id === sourceId) ? this.files : undefined;
  }
}
