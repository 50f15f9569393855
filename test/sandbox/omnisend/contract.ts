import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FieldError } from './problems.ts';

/**
 * Holds every request against Omnisend's own OpenAPI documents (DESIGN.md §9, "Contract"):
 * the operation must exist, declared parameters must be present and valid, no undeclared query
 * parameter may appear, and a JSON body must match the operation's requestBody schema.
 * Rules the documents state only in an operation's description (filters that exclude each other,
 * "at least one selector") are checked too: the client has to obey them all the same.
 */

/** The shared, read-only documents sit beside the repository: ../shared/omnisend-openapi. */
export const OPENAPI_DIR = new URL('../../../../shared/omnisend-openapi/', import.meta.url);

const DOCUMENTS = {
  contacts: 'omnisend-contacts-api-2026-03-15.json',
  batches: 'omnisend-batches-api-2026-03-15.json',
  brands: 'omnisend-brands-api-2026-03-15.json',
} as const;

/** Every document's `servers` entry is https://api.omnisend.com/api. */
export const API_PREFIX = '/api';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

interface ParameterSpec {
  name: string;
  in: string;
  required: boolean;
  type: string | undefined;
  validate: ValidateFunction;
}

export interface Operation {
  method: string;
  /** Path as the documents write it, without the /api prefix: `/contacts/{id}`. */
  template: string;
  /** `METHOD /template`, the key of request counts and routes. */
  key: string;
  parameters: ParameterSpec[];
  body: { required: boolean; validate: ValidateFunction } | undefined;
}

export type RouteMatch =
  | { found: true; operation: Operation; pathParams: Record<string, string> }
  | { found: false; status: 404 | 405 };

export interface RequestToCheck {
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export interface ContractResult {
  errors: FieldError[];
  /** The parsed body when it was JSON. */
  json: unknown;
}

type Json = Record<string, unknown>;

let shared: OpenApiContract | undefined;

/** Compiling the documents takes a moment; every sandbox of a process shares one contract. */
export function sharedContract(): OpenApiContract {
  shared ??= new OpenApiContract();
  return shared;
}

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const escapePointer = (token: string): string => token.replaceAll('~', '~0').replaceAll('/', '~1');

export class OpenApiContract {
  // The documents are OpenAPI, not JSON Schema: no meta-schema check, unknown keywords ignored.
  readonly #ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  readonly #operations: Operation[] = [];
  readonly #contactRequest: ValidateFunction;

  constructor(directory: URL = OPENAPI_DIR) {
    addFormats(this.#ajv);
    for (const [name, file] of Object.entries(DOCUMENTS)) {
      const document: unknown = JSON.parse(readFileSync(new URL(file, directory), 'utf8'));
      if (!isRecord(document)) throw new Error(`${file} is not an OpenAPI document`);
      this.#ajv.addSchema(document, name);
      this.#readOperations(name, document);
    }
    // Literal segments win over templated ones: /contacts/tags is not /contacts/{id}.
    this.#operations.sort((a, b) => placeholders(a.template) - placeholders(b.template));
    this.#contactRequest = this.#schema('contacts', '/components/schemas/ContactRequest');
  }

  get operations(): readonly Operation[] {
    return this.#operations;
  }

  /** Finds the documented operation for a path below /api. */
  match(method: string, path: string): RouteMatch {
    let pathExists = false;
    for (const operation of this.#operations) {
      const pathParams = matchTemplate(operation.template, path);
      if (!pathParams) continue;
      pathExists = true;
      if (operation.method === method) return { found: true, operation, pathParams };
    }
    return { found: false, status: pathExists ? 405 : 404 };
  }

  check(operation: Operation, pathParams: Record<string, string>, request: RequestToCheck): ContractResult {
    const errors: FieldError[] = [];
    const declaredQuery = new Set<string>();
    for (const parameter of operation.parameters) {
      if (parameter.in === 'query') declaredQuery.add(parameter.name);
      const values = parameterValues(parameter, pathParams, request);
      const field = `${parameter.in}.${parameter.name}`;
      if (values.length === 0) {
        if (parameter.required) errors.push({ field, code: 'required', message: 'is required' });
        continue;
      }
      if (values.length > 1) {
        errors.push({ field, code: 'duplicate_parameter', message: 'must be given once' });
        continue;
      }
      const value = coerce(values[0] ?? '', parameter.type);
      if (!parameter.validate(value)) errors.push(...toFieldErrors(field, parameter.validate.errors));
    }
    for (const name of new Set(request.query.keys())) {
      if (!declaredQuery.has(name)) {
        errors.push({
          field: `query.${name}`,
          code: 'unknown_parameter',
          message: 'is not a parameter of this operation',
        });
      }
    }

    let json: unknown;
    const hasBody = request.rawBody.trim() !== '';
    if (!operation.body) {
      if (hasBody)
        errors.push({ field: 'body', code: 'unexpected', message: 'this operation takes no body' });
    } else if (!hasBody) {
      if (operation.body.required) errors.push({ field: 'body', code: 'required', message: 'is required' });
    } else if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
      errors.push({
        field: 'body',
        code: 'unsupported_media_type',
        message: 'must be sent as application/json',
      });
    } else {
      try {
        json = JSON.parse(request.rawBody);
        if (!operation.body.validate(json)) errors.push(...toFieldErrors('', operation.body.validate.errors));
      } catch {
        errors.push({ field: 'body', code: 'invalid_json', message: 'is not valid JSON' });
      }
    }
    if (errors.length === 0) errors.push(...describedRuleErrors(operation.key, request.query, json));
    return { errors, json };
  }

  /**
   * The batches document leaves `items` untyped; contact batch items are ContactRequest bodies
   * (omnisend-api.md §4), so they are held against that schema of the contacts document.
   */
  checkContactItem(item: unknown): FieldError[] {
    return this.#contactRequest(item) ? [] : toFieldErrors('', this.#contactRequest.errors);
  }

  #schema(documentName: string, pointer: string): ValidateFunction {
    const validate = this.#ajv.getSchema(`${documentName}#${pointer}`);
    if (!validate) throw new Error(`no schema at ${documentName}#${pointer}`);
    return validate;
  }

  #readOperations(documentName: string, document: Json): void {
    const paths = isRecord(document.paths) ? document.paths : {};
    for (const [template, pathItem] of Object.entries(paths)) {
      if (!isRecord(pathItem)) continue;
      const pathPointer = `/paths/${escapePointer(template)}`;
      for (const method of HTTP_METHODS) {
        const operation = pathItem[method];
        if (!isRecord(operation)) continue;
        const operationPointer = `${pathPointer}/${method}`;
        const parameters = [
          ...this.#parameters(documentName, document, pathItem.parameters, `${pathPointer}/parameters`),
          ...this.#parameters(documentName, document, operation.parameters, `${operationPointer}/parameters`),
        ];
        this.#operations.push({
          method: method.toUpperCase(),
          template,
          key: `${method.toUpperCase()} ${template}`,
          parameters,
          body: this.#requestBody(
            documentName,
            document,
            operation.requestBody,
            `${operationPointer}/requestBody`,
          ),
        });
      }
    }
  }

  #parameters(documentName: string, document: Json, list: unknown, pointer: string): ParameterSpec[] {
    if (!Array.isArray(list)) return [];
    return list.map((_, index) => {
      const { node, at } = dereference(document, `${pointer}/${index}`);
      const schema = isRecord(node.schema) ? node.schema : {};
      return {
        name: String(node.name),
        in: String(node.in),
        required: node.required === true || node.in === 'path',
        type: typeof schema.type === 'string' ? schema.type : undefined,
        validate: this.#schema(documentName, `${at}/schema`),
      };
    });
  }

  #requestBody(documentName: string, document: Json, body: unknown, pointer: string): Operation['body'] {
    if (body === undefined) return undefined;
    const { node, at } = dereference(document, pointer);
    const content = isRecord(node.content) ? node.content : {};
    if (!isRecord(content['application/json'])) return undefined;
    return {
      required: node.required === true,
      validate: this.#schema(documentName, `${at}/content/application~1json/schema`),
    };
  }
}

/** The node at a JSON pointer, following one local `$ref`, with the pointer it really lives at. */
function dereference(document: Json, pointer: string): { node: Json; at: string } {
  let at = pointer;
  let node = nodeAt(document, at);
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
    at = node.$ref.slice(1);
    node = nodeAt(document, at);
  }
  return { node, at };
}

function nodeAt(document: Json, pointer: string): Json {
  let node: unknown = document;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = Array.isArray(node) ? node[Number(token)] : isRecord(node) ? node[token] : undefined;
  }
  if (!isRecord(node)) throw new Error(`nothing at ${pointer}`);
  return node;
}

function placeholders(template: string): number {
  return (template.match(/\{/g) ?? []).length;
}

function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const expected = template.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    const value = actual[index] ?? '';
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (name) {
      if (value === '') return undefined;
      try {
        params[name] = decodeURIComponent(value);
      } catch {
        return undefined;
      }
    } else if (segment !== value) {
      return undefined;
    }
  }
  return params;
}

function parameterValues(
  parameter: ParameterSpec,
  pathParams: Record<string, string>,
  request: RequestToCheck,
): string[] {
  switch (parameter.in) {
    case 'query':
      return request.query.getAll(parameter.name);
    case 'path': {
      const value = pathParams[parameter.name];
      return value === undefined ? [] : [value];
    }
    case 'header': {
      const value = request.headers[parameter.name.toLowerCase()];
      return value === undefined ? [] : Array.isArray(value) ? value : [value];
    }
    default:
      return [];
  }
}

/** Query and header values are text; the documents type some as integer or boolean. */
function coerce(value: string, type: string | undefined): unknown {
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

const codes: Record<string, string> = {
  required: 'required',
  type: 'invalid_type',
  enum: 'invalid_value',
  format: 'invalid_format',
  minimum: 'out_of_range',
  maximum: 'out_of_range',
  minItems: 'invalid_length',
  maxItems: 'invalid_length',
  minLength: 'invalid_length',
  maxLength: 'invalid_length',
};

/** ajv errors as Omnisend `FieldError`s (dot-separated paths, all failures at once). */
function toFieldErrors(prefix: string, errors: ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((error) => {
    const parts = [prefix, ...error.instancePath.split('/').slice(1)];
    if (error.keyword === 'required') parts.push(String(error.params.missingProperty));
    const field = parts.filter((part) => part !== '').join('.') || 'body';
    const message =
      error.keyword === 'enum'
        ? `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`
        : (error.message ?? 'is invalid');
    return { field, code: codes[error.keyword] ?? 'invalid', message };
  });
}

const tagSelectors = ['contactIDs', 'emails', 'phones', 'segmentID'];

/** Rules stated in operation descriptions rather than in schemas. */
function describedRuleErrors(key: string, query: URLSearchParams, json: unknown): FieldError[] {
  const errors: FieldError[] = [];
  if (key === 'GET /contacts') {
    if (query.has('tag') && query.has('status')) {
      errors.push({
        field: 'query.tag',
        code: 'conflict',
        message: 'tag and status cannot be used together',
      });
    }
    const excluded = ['email', 'phone', 'status', 'segmentID', 'tag'].filter((name) => query.has(name));
    if (query.has('updatedAtFrom') && excluded.length > 0) {
      errors.push({
        field: 'query.updatedAtFrom',
        code: 'conflict',
        message: `cannot be combined with ${excluded.join(', ')}`,
      });
    }
    if (query.has('after') && query.has('before')) {
      errors.push({
        field: 'query.before',
        code: 'conflict',
        message: 'send either after or before, not both',
      });
    }
  }
  if ((key === 'POST /contacts/tags' || key === 'DELETE /contacts/tags') && isRecord(json)) {
    if (!tagSelectors.some((name) => json[name] !== undefined)) {
      errors.push({
        field: 'body',
        code: 'required',
        message: `at least one of ${tagSelectors.join(', ')} is required`,
      });
    }
  }
  return errors;
}
