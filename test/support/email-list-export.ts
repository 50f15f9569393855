import type { SyncMode } from '../../src/core/export-definition.ts';
import type { MessageType, RequestOf, ResponseOf } from '../../src/messaging/protocol.ts';

/** Sends a protocol message as an extension page does and gives the reply's data. */
export type Ask = <T extends MessageType>(type: T, payload: RequestOf<T>) => Promise<ResponseOf<T>>;

/** Rows per `files.page`, as the options page sends them. */
const PAGE_ROWS = 1_000;

/**
 * Uploads a one-column file of `emails` (the segment "Readers") and saves a manual export of it
 * that tags them "Readers", with the messages the options page sends. Returns the export's id.
 */
export async function saveEmailListExport(
  ask: Ask,
  options: { connectionId: string; emails: readonly string[]; exportName: string; syncMode: SyncMode },
): Promise<string> {
  const { uploadId } = await ask('files.begin', {
    name: 'Readers',
    fileName: 'readers.csv',
    encoding: 'utf-8',
  });
  const rows = options.emails.map((email, i) => ({ line: i + 2, values: { Email: email } }));
  for (let page = 0; page * PAGE_ROWS < rows.length; page++) {
    await ask('files.page', {
      uploadId,
      page,
      fields: ['Email'],
      rows: rows.slice(page * PAGE_ROWS, (page + 1) * PAGE_ROWS),
      errors: [],
      unreadableLines: [],
    });
  }
  const { file } = await ask('files.commit', { uploadId });
  const { id } = await ask('exports.save', {
    draft: {
      name: options.exportName,
      connectionId: options.connectionId,
      segments: [{ sourceId: file.id, segmentId: file.id, displayName: 'Readers', tag: 'Readers' }],
      mapping: { email: 'Email' },
      syncMode: options.syncMode,
      schedule: { kind: 'manual' },
    },
  });
  return id;
}
