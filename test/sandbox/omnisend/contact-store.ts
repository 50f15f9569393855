import { ContactOrder, type OrderKey, type Place } from './contact-order.ts';
import {
  type ChannelRequest,
  CONTACT_FIELDS,
  type ContactField,
  type ContactRequest,
  type IdentifierRequest,
  parseTimestamp,
  type SubscriptionStatus,
} from './contact-request.ts';
import { ID_KIND, objectId, parseObjectId } from './object-id.ts';

/**
 * One brand's contacts with Omnisend's upsert semantics (omnisend-api.md §3.5):
 * - keyed by the email identifier exactly as sent (identifiers are case-sensitive);
 * - supplied fields are merged, absent ones never erased; custom properties merge per name;
 * - `tags` in an upsert REPLACE the contact's tags; /contacts/tags adds or removes;
 * - a channel status carries `statusChangedAt`; one older than the stored change is ignored, so an
 *   unsubscribe recorded in Omnisend beats stale source data. A status nobody set (a contact made
 *   without channels is `nonSubscribed`) has no date and yields to any explicit one;
 * - a phone identifier owned by another contact is silently dropped.
 * Stored compactly (numbers for times, optional parts only when present, interned tags) so that a
 * million contacts fit in memory.
 */

interface StoredPhone {
  id: string;
  status: SubscriptionStatus;
  changedAt: number | undefined;
}

interface StoredConsent {
  channel: 'email' | 'sms';
  createdAt: number;
  source?: string;
  ip?: string;
  userAgent?: string;
}

interface StoredContact {
  seq: number;
  email: string;
  status: SubscriptionStatus;
  /** Undefined while the status is the default nobody set. */
  statusChangedAt: number | undefined;
  tags: readonly string[];
  createdAt: number;
  updatedAt: number;
  fields?: Partial<Record<ContactField, string>>;
  customProperties?: Record<string, unknown>;
  phones?: StoredPhone[];
  consents?: StoredConsent[];
  optIns?: { channel: 'email' | 'sms'; at: number }[];
  /** Its places in the listing orders (contact-order.ts). */
  byCreated: Place<StoredContact>;
  byUpdated: Place<StoredContact>;
}

/** A contact as GET /contacts/{id} shows it (`ContactResponse`); also what `inspect` returns. */
export interface SandboxContact extends Partial<Record<ContactField, string>> {
  id: string;
  email: string;
  phone: string[];
  identifiers: {
    type: 'email' | 'phone';
    id: string;
    channels: Record<string, { status: SubscriptionStatus; statusChangedAt: string }>;
  }[];
  tags: string[];
  customProperties: Record<string, unknown>;
  segments: string[];
  status: SubscriptionStatus;
  statuses: { channel: 'email' | 'sms'; status: SubscriptionStatus; statusChangedAt: string }[];
  optIns: { channel: 'email' | 'sms'; optInAt: string }[];
  consents: {
    channel: 'email' | 'sms';
    createdAt: string;
    source?: string;
    ip?: string;
    userAgent?: string;
  }[];
  createdAt: string;
  updatedAt: string;
}

/** What tests may pre-create (`sandbox.seedContact`): e.g. an unsubscribed contact, tags set by others. */
export interface SeedContact extends Partial<Record<ContactField, string>> {
  email: string;
  status?: SubscriptionStatus;
  statusChangedAt?: string;
  tags?: string[];
  customProperties?: Record<string, unknown>;
  phone?: string;
  createdAt?: string;
  /** When Omnisend last changed it (default: when it was seeded, or as it was for one that exists). */
  updatedAt?: string;
}

export interface UpsertOutcome {
  created: boolean;
  id: string;
  email: string;
  /** Why a welcome message would have been sent, if one would. */
  welcome: 'created' | 'resubscribed' | undefined;
}

export interface TagSelectors {
  contactIDs?: string[];
  emails?: string[];
  phones?: string[];
  segmentID?: string;
}

export interface ListQuery {
  email?: string;
  phone?: string;
  status?: SubscriptionStatus;
  tag?: string;
  segmentID?: string;
  updatedAtFrom?: number;
  sort: 'createdAt' | 'updatedAt';
  direction: 'asc' | 'desc';
  limit: number;
  /** The position an `after` cursor names: the page starts after it. */
  after?: ListCursor;
  /** The position a `before` cursor names: the page ends before it. */
  before?: ListCursor;
}

/** What a GET /contacts cursor names: a position in one order (contact-order.ts). */
export interface ListCursor extends OrderKey {
  sort: 'createdAt' | 'updatedAt';
  direction: 'asc' | 'desc';
}

export interface ListPage {
  contacts: SandboxContact[];
  hasMore: boolean;
  after: string | null;
  before: string | null;
}

export class ContactStore {
  readonly #byEmail = new Map<string, StoredContact>();
  readonly #orders = {
    createdAt: new ContactOrder<StoredContact>(),
    updatedAt: new ContactOrder<StoredContact>(),
  };
  readonly #bySeq: StoredContact[] = [];
  readonly #byPhone = new Map<string, StoredContact>();
  readonly #tagSets = new Map<string, readonly string[]>();
  readonly #values = new Map<string, string>();

  get size(): number {
    return this.#byEmail.size;
  }

  /** Upsert by the request's email identifier (validated beforehand). */
  upsert(request: ContactRequest, now: number): UpsertOutcome {
    const email = request.identifiers?.find((identifier) => identifier.type === 'email')?.id;
    if (email === undefined) throw new Error('upsert needs an email identifier');
    const existing = this.#byEmail.get(email);
    const contact = existing ?? this.#create(email, now);
    const welcome = this.#apply(contact, request, now);
    return {
      created: !existing,
      id: objectId(ID_KIND.contact, contact.seq),
      email,
      welcome: welcome && !existing ? 'created' : welcome ? 'resubscribed' : undefined,
    };
  }

  /**
   * PATCH: updates an existing contact. An email identifier other than its own moves the contact
   * to that address, unless another contact owns it (`conflict`).
   */
  update(
    target: { email: string } | { id: string },
    request: ContactRequest,
    now: number,
  ): { contact: SandboxContact; welcome: boolean } | 'not-found' | 'conflict' {
    const contact = 'email' in target ? this.#byEmail.get(target.email) : this.#stored(target.id);
    if (!contact) return 'not-found';
    const email = request.identifiers?.find((identifier) => identifier.type === 'email')?.id;
    if (email !== undefined && email !== contact.email) {
      if (this.#byEmail.has(email)) return 'conflict';
      this.#byEmail.delete(contact.email);
      contact.email = email;
      this.#byEmail.set(email, contact);
    }
    const welcome = this.#apply(contact, request, now);
    return { contact: render(contact), welcome };
  }

  seed(seed: SeedContact, now: number): SandboxContact {
    const contact = this.#byEmail.get(seed.email) ?? this.#create(seed.email, now);
    const {
      email: _email,
      status,
      statusChangedAt,
      tags,
      customProperties,
      phone,
      createdAt,
      updatedAt,
      ...fields
    } = seed;
    if (updatedAt !== undefined) this.#touch(contact, Date.parse(updatedAt));
    if (createdAt !== undefined) {
      contact.createdAt = Date.parse(createdAt);
      contact.byCreated = this.#orders.createdAt.place(contact, contact.createdAt, contact.byCreated);
    }
    if (status !== undefined) {
      contact.status = status;
      contact.statusChangedAt = statusChangedAt === undefined ? now : Date.parse(statusChangedAt);
    }
    if (tags !== undefined) contact.tags = this.#internTags(tags);
    if (customProperties !== undefined) {
      contact.customProperties = { ...contact.customProperties, ...customProperties };
    }
    if (Object.keys(fields).length > 0) contact.fields = { ...contact.fields, ...fields };
    if (phone !== undefined && !this.#byPhone.has(phone)) {
      contact.phones = [
        ...(contact.phones ?? []),
        { id: phone, status: 'nonSubscribed', changedAt: undefined },
      ];
      this.#byPhone.set(phone, contact);
    }
    return render(contact);
  }

  get(email: string): SandboxContact | undefined {
    const contact = this.#byEmail.get(email);
    return contact && render(contact);
  }

  getById(id: string): SandboxContact | undefined {
    const contact = this.#stored(id);
    return contact && render(contact);
  }

  *all(): IterableIterator<SandboxContact> {
    for (const contact of this.#byEmail.values()) yield render(contact);
  }

  /**
   * Deletes a contact, as a marketer does in Omnisend's app (API 2026-03-15 has no delete): it is
   * listed no more, not even by `updatedAtFrom`, and an upsert of its email creates a new one.
   */
  delete(email: string): boolean {
    const contact = this.#byEmail.get(email);
    if (!contact) return false;
    this.#byEmail.delete(email);
    this.#orders.createdAt.remove(contact.byCreated);
    this.#orders.updatedAt.remove(contact.byUpdated);
    for (const phone of contact.phones ?? [])
      if (this.#byPhone.get(phone.id) === contact) this.#byPhone.delete(phone.id);
    return true;
  }

  /** Adds or removes tags on the union of the selected contacts; unknown ones are skipped. */
  applyTags(mode: 'add' | 'remove', selectors: TagSelectors, tags: string[], now: number): number {
    const selected = new Set<StoredContact>();
    for (const id of selectors.contactIDs ?? []) {
      const contact = this.#stored(id);
      if (contact) selected.add(contact);
    }
    for (const email of selectors.emails ?? []) {
      const contact = this.#byEmail.get(email);
      if (contact) selected.add(contact);
    }
    for (const phone of selectors.phones ?? []) {
      const contact = this.#byPhone.get(phone);
      if (contact) selected.add(contact);
    }
    // Segments are not modelled: a segmentID selects nobody.
    for (const contact of selected) {
      const next =
        mode === 'add'
          ? [...contact.tags, ...tags.filter((tag) => !contact.tags.includes(tag))]
          : contact.tags.filter((tag) => !tags.includes(tag));
      if (next.length !== contact.tags.length) {
        contact.tags = this.#internTags(next);
        this.#touch(contact, now);
      }
    }
    return selected.size;
  }

  /**
   * A page of GET /contacts. Walks the maintained order of the query's sort from its cursor (keyset:
   * the position of the last contact of the previous page), so paging through the brand costs O(N)
   * overall and a contact written meanwhile neither shifts nor hides another: one updated moves to
   * its new place in the `updatedAt` order (listed again there), one deleted is just gone.
   */
  list(query: ListQuery): ListPage {
    const { status, tag, updatedAtFrom } = query;
    const matches = (contact: StoredContact) =>
      (status === undefined || contact.status === status) &&
      (tag === undefined || contact.tags.includes(tag)) &&
      (updatedAtFrom === undefined || contact.updatedAt >= updatedAtFrom);
    const single =
      query.email !== undefined
        ? this.#byEmail.get(query.email)
        : query.phone !== undefined
          ? this.#byPhone.get(query.phone)
          : undefined;
    if (query.email !== undefined || query.phone !== undefined || query.segmentID !== undefined) {
      // Segments are not modelled: a segmentID selects nobody.
      const found = single !== undefined && matches(single) && query.before === undefined ? [single] : [];
      const contacts = query.after === undefined ? found : [];
      return { contacts: contacts.map(render), hasMore: false, after: null, before: null };
    }
    const order = this.#orders[query.sort];
    const placeOf = (contact: StoredContact) =>
      query.sort === 'createdAt' ? contact.byCreated : contact.byUpdated;
    // Listing up by `updatedAt` from `updatedAtFrom` starts there instead of skipping what is older.
    const atLeast = query.sort === 'updatedAt' ? updatedAtFrom : undefined;
    const backwards = query.before !== undefined;
    const walkDirection = backwards === (query.direction === 'asc') ? 'desc' : 'asc';
    const page: StoredContact[] = [];
    let hasMore = false;
    for (const place of order.walk(walkDirection, query.after ?? query.before, atLeast)) {
      if (!matches(place.item)) continue;
      if (page.length === query.limit) {
        hasMore = true;
        break;
      }
      page.push(place.item);
    }
    if (backwards) page.reverse();
    const cursor = (contact: StoredContact | undefined) => {
      if (contact === undefined) return null;
      const { at, n } = placeOf(contact);
      return encodeCursor({ sort: query.sort, direction: query.direction, at, n });
    };
    const more = backwards ? true : hasMore;
    return {
      contacts: page.map(render),
      hasMore: more && page.length > 0,
      after: more && page.length > 0 ? cursor(page.at(-1)) : null,
      before: (backwards ? hasMore : query.after !== undefined) ? cursor(page[0]) : null,
    };
  }

  /** A new time for the contact: it moves to the end of the `updatedAt` order. */
  #touch(contact: StoredContact, now: number): void {
    contact.updatedAt = now;
    contact.byUpdated = this.#orders.updatedAt.place(contact, now, contact.byUpdated);
  }

  #stored(id: string): StoredContact | undefined {
    const seq = parseObjectId(ID_KIND.contact, id);
    const contact = seq === undefined ? undefined : this.#bySeq[seq - 1];
    // A deleted contact keeps its place in #bySeq but is no longer anybody's.
    return contact && this.#byEmail.get(contact.email) === contact ? contact : undefined;
  }

  #create(email: string, now: number): StoredContact {
    const fields: Omit<StoredContact, 'byCreated' | 'byUpdated'> = {
      seq: this.#bySeq.length + 1,
      email,
      status: 'nonSubscribed',
      statusChangedAt: undefined,
      tags: [],
      createdAt: now,
      updatedAt: now,
    };
    // Its places name the contact, so they are made once it exists.
    const contact = fields as StoredContact;
    contact.byCreated = this.#orders.createdAt.place(contact, now, undefined);
    contact.byUpdated = this.#orders.updatedAt.place(contact, now, undefined);
    this.#bySeq.push(contact);
    this.#byEmail.set(email, contact);
    return contact;
  }

  /** Merges a request into a contact; true when its email channel became subscribed. */
  #apply(contact: StoredContact, request: ContactRequest, now: number): boolean {
    const fields: Partial<Record<ContactField, string>> = { ...contact.fields };
    for (const field of CONTACT_FIELDS) {
      const value = request[field];
      if (value !== undefined)
        fields[field] = this.#intern(field === 'countryCode' ? value.toUpperCase() : value);
    }
    if (request.country !== undefined && request.countryCode === undefined) {
      const code = countryCodeOf(request.country);
      if (code) fields.countryCode = code;
    }
    if (Object.keys(fields).length > 0) contact.fields = fields;
    if (request.customProperties !== undefined || request.createdAt !== undefined) {
      contact.customProperties = {
        ...contact.customProperties,
        ...request.customProperties,
        ...(request.createdAt === undefined ? {} : { externalCreated: request.createdAt }),
      };
    }
    if (request.tags !== undefined) contact.tags = this.#internTags(request.tags);

    let welcome = false;
    for (const identifier of request.identifiers ?? []) {
      if (identifier.type === 'email') {
        const before = contact.status;
        const next = nextStatus(contact.status, contact.statusChangedAt, identifier.channels?.email, now);
        contact.status = next.status;
        contact.statusChangedAt = next.changedAt;
        if (before !== 'subscribed' && next.status === 'subscribed') {
          contact.optIns = [...(contact.optIns ?? []), { channel: 'email', at: now }];
          welcome = identifier.sendWelcomeMessage !== false;
        }
        this.#recordConsent(contact, 'email', identifier, now);
      } else {
        this.#applyPhone(contact, identifier, now);
      }
    }
    this.#touch(contact, now);
    return welcome;
  }

  #applyPhone(contact: StoredContact, identifier: IdentifierRequest, now: number): void {
    const owner = this.#byPhone.get(identifier.id);
    if (owner && owner !== contact) return;
    const phones = contact.phones ?? [];
    let phone = phones.find((candidate) => candidate.id === identifier.id);
    if (!phone) {
      phone = { id: identifier.id, status: 'nonSubscribed', changedAt: undefined };
      contact.phones = [...phones, phone];
      this.#byPhone.set(identifier.id, contact);
    }
    const next = nextStatus(phone.status, phone.changedAt, identifier.channels?.sms, now);
    if (phone.status !== 'subscribed' && next.status === 'subscribed') {
      contact.optIns = [...(contact.optIns ?? []), { channel: 'sms', at: now }];
    }
    phone.status = next.status;
    phone.changedAt = next.changedAt;
    this.#recordConsent(contact, 'sms', identifier, now);
  }

  #recordConsent(
    contact: StoredContact,
    channel: 'email' | 'sms',
    identifier: IdentifierRequest,
    now: number,
  ) {
    const consent = identifier.consent;
    if (!consent) return;
    const record: StoredConsent = {
      channel,
      createdAt: consent.createdAt === undefined ? now : Date.parse(consent.createdAt),
      ...(consent.source === undefined ? {} : { source: consent.source }),
      ...(consent.ip === undefined ? {} : { ip: consent.ip }),
      ...(consent.userAgent === undefined ? {} : { userAgent: consent.userAgent }),
    };
    contact.consents = [...(contact.consents ?? []), record];
  }

  /** Contacts with the same tags share one frozen list: a million members of a segment cost one. */
  #internTags(tags: readonly string[]): readonly string[] {
    const unique = [...new Set(tags)];
    const key = unique.join('\u0000');
    let shared = this.#tagSets.get(key);
    if (!shared) {
      shared = Object.freeze(unique.map((tag) => this.#intern(tag)));
      this.#tagSets.set(key, shared);
    }
    return shared;
  }

  /** Short values repeat (cities, country codes, tags); one copy of each is kept, up to a bound. */
  #intern(value: string): string {
    if (value.length > 32) return value;
    const pooled = this.#values.get(value);
    if (pooled !== undefined) return pooled;
    if (this.#values.size < 100_000) this.#values.set(value, value);
    return value;
  }
}

/** The stored-date rule: a change dated before the stored one leaves the status as it is. */
function nextStatus(
  status: SubscriptionStatus,
  changedAt: number | undefined,
  requested: ChannelRequest | undefined,
  now: number,
): { status: SubscriptionStatus; changedAt: number | undefined } {
  if (!requested) return { status, changedAt };
  const at =
    requested.statusChangedAt === undefined ? now : (parseTimestamp(requested.statusChangedAt) ?? now);
  if (changedAt !== undefined && at < changedAt) return { status, changedAt };
  return { status: requested.status, changedAt: at };
}

/** GUESS: a keyset cursor (Omnisend's are opaque; README "GET /contacts"). */
export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(text: string): ListCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { sort, direction, at, n } = value as Record<string, unknown>;
    if (sort !== 'createdAt' && sort !== 'updatedAt') return undefined;
    if (direction !== 'asc' && direction !== 'desc') return undefined;
    if (typeof at !== 'number' || !Number.isFinite(at)) return undefined;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) return undefined;
    return { sort, direction, at, n };
  } catch {
    return undefined;
  }
}

let countryCodes: Map<string, string> | undefined;

/** `country` is used to derive `countryCode` when the latter is absent (English region names). */
function countryCodeOf(country: string): string | undefined {
  if (!countryCodes) {
    countryCodes = new Map();
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = names.of(code);
        if (name) countryCodes.set(name.toLowerCase(), code);
      }
    }
  }
  return countryCodes.get(country.trim().toLowerCase());
}

const iso = (time: number): string => new Date(time).toISOString();

function render(contact: StoredContact): SandboxContact {
  const statusChangedAt = iso(contact.statusChangedAt ?? contact.createdAt);
  const phones = contact.phones ?? [];
  return {
    id: objectId(ID_KIND.contact, contact.seq),
    email: contact.email,
    phone: phones.map((phone) => phone.id),
    identifiers: [
      { type: 'email', id: contact.email, channels: { email: { status: contact.status, statusChangedAt } } },
      ...phones.map((phone) => ({
        type: 'phone' as const,
        id: phone.id,
        channels: {
          sms: { status: phone.status, statusChangedAt: iso(phone.changedAt ?? contact.createdAt) },
        },
      })),
    ],
    ...contact.fields,
    tags: [...contact.tags],
    customProperties: { ...contact.customProperties },
    segments: [],
    status: contact.status,
    statuses: [
      { channel: 'email', status: contact.status, statusChangedAt },
      ...phones.map((phone) => ({
        channel: 'sms' as const,
        status: phone.status,
        statusChangedAt: iso(phone.changedAt ?? contact.createdAt),
      })),
    ],
    optIns: (contact.optIns ?? []).map((optIn) => ({ channel: optIn.channel, optInAt: iso(optIn.at) })),
    consents: (contact.consents ?? []).map(({ createdAt, ...consent }) => ({
      ...consent,
      createdAt: iso(createdAt),
    })),
    createdAt: iso(contact.createdAt),
    updatedAt: iso(contact.updatedAt),
  };
}
