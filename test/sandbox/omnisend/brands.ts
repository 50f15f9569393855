/**
 * Brands and their API keys. Every key belongs to one brand (whose contacts, batches and rate
 * budget it uses) and carries scopes (omnisend-api.md §2): a key without `brands.read` gets 403
 * on /brands/current, one without `contacts.write` 403 on batches and tags.
 */

export const ALL_SCOPES = ['brands.read', 'contacts.read', 'contacts.write'] as const;

export interface SandboxKeyDefinition {
  /** Default: `<brandID>-sandbox-key-<n>`. */
  key?: string;
  /** Default: every scope in ALL_SCOPES. */
  scopes?: readonly string[];
  revoked?: boolean;
}

export interface SandboxBrandDefinition {
  /** 24 hex digits; default derived from the brand's position. */
  brandID?: string;
  name?: string;
  website?: string;
  currency?: string;
  timezone?: string;
  platform?: string;
  /** Default: one key with every scope. */
  keys?: SandboxKeyDefinition[];
}

export interface SandboxKey {
  key: string;
  brandId: string;
  scopes: readonly string[];
  revoked: boolean;
}

export interface SandboxBrand {
  brandID: string;
  name: string;
  website: string;
  currency: string;
  timezone: string;
  platform: string;
  connected: boolean;
  version: string;
  keys: SandboxKey[];
}

const authorizationPattern = /^Omnisend-API-Key (\S+)$/;

export class BrandRegistry {
  readonly brands: SandboxBrand[] = [];
  readonly #byKey = new Map<string, SandboxKey>();

  constructor(definitions: readonly SandboxBrandDefinition[] = [{}]) {
    for (const definition of definitions) this.addBrand(definition);
    if (this.brands.length === 0) throw new Error('the Omnisend sandbox needs at least one brand');
  }

  addBrand(definition: SandboxBrandDefinition): SandboxBrand {
    const position = this.brands.length + 1;
    const brand: SandboxBrand = {
      brandID: definition.brandID ?? `65f1c0ffee${position.toString(16).padStart(14, '0')}`,
      name: definition.name ?? (position === 1 ? 'Sandbox Store' : `Sandbox Store ${position}`),
      website: definition.website ?? `https://store${position}.example.com`,
      currency: definition.currency ?? 'EUR',
      timezone: definition.timezone ?? 'Europe/Vilnius',
      platform: definition.platform ?? 'api',
      connected: true,
      version: '',
      keys: [],
    };
    if (this.brands.some((other) => other.brandID === brand.brandID)) {
      throw new Error(`two brands with id ${brand.brandID}`);
    }
    this.brands.push(brand);
    for (const key of definition.keys ?? [{}]) this.addKey(brand.brandID, key);
    return brand;
  }

  addKey(brandId: string, definition: SandboxKeyDefinition = {}): SandboxKey {
    const brand = this.brand(brandId);
    const key: SandboxKey = {
      key: definition.key ?? `${brand.brandID}-sandbox-key-${brand.keys.length + 1}`,
      brandId: brand.brandID,
      scopes: definition.scopes ?? ALL_SCOPES,
      revoked: definition.revoked ?? false,
    };
    if (this.#byKey.has(key.key)) throw new Error('that API key exists already');
    brand.keys.push(key);
    this.#byKey.set(key.key, key);
    return key;
  }

  brand(brandId: string): SandboxBrand {
    const brand = this.brands.find((candidate) => candidate.brandID === brandId);
    if (!brand) throw new Error(`no brand ${brandId}`);
    return brand;
  }

  /** The key an `Authorization` header names, revoked or not; undefined when there is none. */
  keyOf(authorization: string | undefined): SandboxKey | undefined {
    const token = authorizationPattern.exec(authorization ?? '')?.[1];
    return token === undefined ? undefined : this.#byKey.get(token);
  }

  revoke(apiKey: string): void {
    const key = this.#byKey.get(apiKey);
    if (!key) throw new Error('no such API key');
    key.revoked = true;
  }
}
