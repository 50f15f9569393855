import type { OmnisendSandbox } from '../../sandbox/omnisend/index.ts';

/** Raw calls to the Omnisend sandbox through `sandbox.fetch`, the way the real client addresses it. */

export interface CallOptions {
  body?: unknown;
  /** Default: the sandbox's key; null sends no Authorization header. */
  apiKey?: string | null;
  /** Default 2026-03-15; null sends no Omnisend-Version header. */
  version?: string | null;
  /** A body sent as is (for malformed JSON). */
  rawBody?: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  /** Parsed JSON body; undefined when the body was not JSON. */
  json: unknown;
  text: string;
}

export async function call(
  sandbox: OmnisendSandbox,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const apiKey = options.apiKey === undefined ? sandbox.apiKey : options.apiKey;
  if (apiKey !== null) headers.Authorization = `Omnisend-API-Key ${apiKey}`;
  const version = options.version === undefined ? '2026-03-15' : options.version;
  if (version !== null) headers['Omnisend-Version'] = version;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await sandbox.fetch(`https://api.omnisend.com/api${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.startsWith('application/json') ?? false;
  return {
    status: response.status,
    headers: response.headers,
    json: isJson ? JSON.parse(text) : undefined,
    text,
  };
}

/** A contact batch item: an email identifier with sendWelcomeMessage false, plus fields. */
export function contactItem(email: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { identifiers: [{ type: 'email', id: email, sendWelcomeMessage: false }], ...fields };
}

/** Submits a contact batch and waits until it finished; returns GET /batches/{id}/items. */
export async function runContactBatch(sandbox: OmnisendSandbox, items: unknown[]): Promise<BatchView> {
  const created = await call(sandbox, 'POST', '/batches', {
    body: { endpoint: 'contacts', method: 'POST', items },
  });
  if (created.status !== 201) throw new Error(`batch refused: ${created.status} ${created.text}`);
  const { batchID } = created.json as { batchID: string };
  await sandbox.inspect.whenIdle();
  return (await call(sandbox, 'GET', `/batches/${batchID}/items`)).json as BatchView;
}

export interface BatchItemView {
  itemID: string;
  status: string;
  request: unknown;
  response: { id?: string; email?: string; status?: number; errors?: { field: string; code: string }[] };
  responseCode: number;
}

export interface BatchView {
  batchID: string;
  status: string;
  totalCount: number;
  finishedCount: number;
  errorsCount: number;
  errors: BatchItemView[];
  responses: BatchItemView[];
}
