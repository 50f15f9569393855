// Deterministic profiles for the Customer Insights sandbox. A profile is a pure function of
// (seed, customer index), so segments of millions are served and checked without holding them.
// Segment member i is customer `start + i`: overlapping segments share customers, as in real tenants.

/** Which slice of the environment's customer universe a segment holds: members are `[start, start + size)`. */
export interface SegmentMembership {
  readonly seed: number;
  start: number;
  size: number;
}

export type ProfileValue = string | number | boolean | null;

/** The sandbox tenant's unified `Customer` table. Real tenants name fields differently. */
export interface Profile {
  CustomerId: string;
  EmailAddress: string | null;
  FirstName: string;
  LastName: string;
  Address1: string;
  City: string;
  State: string;
  PostalCode: string;
  Country: string;
  Phone: string;
  BirthDate: string;
  Gender: string;
  LoyaltyTier: string | null;
  LifetimeValue: number;
  EmailOptIn: boolean | null;
  EmailOptInChangedOn: string | null;
}

export const PROFILE_FIELDS = [
  'CustomerId',
  'EmailAddress',
  'FirstName',
  'LastName',
  'Address1',
  'City',
  'State',
  'PostalCode',
  'Country',
  'Phone',
  'BirthDate',
  'Gender',
  'LoyaltyTier',
  'LifetimeValue',
  'EmailOptIn',
  'EmailOptInChangedOn',
] as const satisfies readonly (keyof Profile)[];

/**
 * How a customer's EmailAddress is dirtied, fixed by `index % 100` so tests know where to look:
 * 13 invalid, 27 blank (''), 41 null, 55 exact duplicate of customer index-3, 68 mixed-case and
 * space-padded duplicate of customer index-2, 79 long but valid (64-character local part, long
 * names and address), 90 valid but mixed case with surrounding spaces. Everything else is clean.
 */
export type EmailKind =
  | 'clean'
  | 'invalid'
  | 'blank'
  | 'null'
  | 'duplicate'
  | 'mixed-case-duplicate'
  | 'long'
  | 'padded';

export function emailKindAt(index: number): EmailKind {
  switch (index % 100) {
    case 13:
      return 'invalid';
    case 27:
      return 'blank';
    case 41:
      return 'null';
    case 55:
      return 'duplicate';
    case 68:
      return 'mixed-case-duplicate';
    case 79:
      return 'long';
    case 90:
      return 'padded';
    default:
      return 'clean';
  }
}

/** For duplicates: the customer whose clean address this one repeats. */
export function duplicateOf(index: number): number | null {
  const kind = emailKindAt(index);
  if (kind === 'duplicate') return index - 3;
  if (kind === 'mixed-case-duplicate') return index - 2;
  return null;
}

export function segmentSize(segment: SegmentMembership): number {
  return segment.size;
}

/** Index of segment member i in the customer universe. */
export function customerIndexOf(segment: SegmentMembership, i: number): number {
  if (!Number.isInteger(i) || i < 0 || i >= segment.size) {
    throw new RangeError(`member ${i} is outside the segment (size ${segment.size})`);
  }
  return segment.start + i;
}

/** Member i of the segment, ordered by CustomerId, exactly as the Data API serves it. */
export function profileAt(segment: SegmentMembership, i: number): Profile {
  return customerAt(segment.seed, customerIndexOf(segment, i));
}

/** Every member in CustomerId order, generated lazily. */
export function* segmentMembers(segment: SegmentMembership): Generator<Profile> {
  for (let i = 0; i < segment.size; i++) yield profileAt(segment, i);
}

/**
 * GUID-shaped, with the index in the first 8 hex digits so that string order is index order
 * (the Data API orders by CustomerId).
 */
export function customerIdAt(seed: number, index: number): string {
  const hex = (salt: number, digits: number): string =>
    hash(seed, index, salt).toString(16).padStart(8, '0').slice(0, digits);
  return `${index.toString(16).padStart(8, '0')}-${hex(1, 4)}-4${hex(2, 3)}-a${hex(3, 3)}-${hex(4, 8)}${hex(5, 4)}`;
}

export function customerAt(seed: number, index: number): Profile {
  const pick = <T>(salt: number, items: readonly T[]): T =>
    items[hash(seed, index, salt) % items.length] as T;
  const country = weighted(hash(seed, index, 10), COUNTRIES);
  const first = pick(11, country.firstNames);
  const last = pick(12, country.lastNames);
  const city = pick(13, country.cities);
  const kind = emailKindAt(index);
  const long = kind === 'long';
  const birth = birthDate(hash(seed, index, 17), hash(seed, index, 18));
  const optIn = hash(seed, index, 20) % 10;
  return {
    CustomerId: customerIdAt(seed, index),
    EmailAddress: emailAt(seed, index),
    FirstName: long ? `${first[0]} ${'Maximilian-Alexander '.repeat(10)}`.trim() : first[0],
    LastName: last[0],
    Address1: long
      ? `${1 + (hash(seed, index, 14) % 400)} ${'Very Long Street Name '.repeat(20).trim()}`
      : `${1 + (hash(seed, index, 14) % 400)} ${pick(15, country.streets)}`,
    City: city.city,
    State: city.state,
    PostalCode: postalCode(country.code, hash(seed, index, 16)),
    Country: pick(19, country.names),
    Phone: phone(country, hash(seed, index, 21), hash(seed, index, 22)),
    BirthDate: birth,
    Gender: pick(23, GENDERS),
    LoyaltyTier: pick(24, LOYALTY_TIERS),
    LifetimeValue: (hash(seed, index, 25) % 1_000_000) / 100,
    EmailOptIn: optIn < 6 ? true : optIn < 9 ? false : null,
    EmailOptInChangedOn:
      optIn < 9
        ? new Date(Date.UTC(2023, 0, 1) + (hash(seed, index, 26) % 63_072_000) * 1000).toISOString()
        : null,
  };
}

function emailAt(seed: number, index: number): string | null {
  const kind = emailKindAt(index);
  switch (kind) {
    case 'clean':
      return cleanEmail(seed, index);
    case 'invalid':
      return INVALID_EMAILS[hash(seed, index, 30) % INVALID_EMAILS.length] as string;
    case 'blank':
      return '';
    case 'null':
      return null;
    case 'duplicate':
      return cleanEmail(seed, index - 3);
    case 'mixed-case-duplicate':
      return ` ${mixCase(cleanEmail(seed, index - 2))} `;
    case 'long':
      return `${`${localPart(seed, index)}.`.padEnd(64, 'x')}@example.com`;
    case 'padded':
      return `  ${mixCase(cleanEmail(seed, index))}\t`;
  }
}

/** The address as a clean customer has it; unique per index. */
function cleanEmail(seed: number, index: number): string {
  return `${localPart(seed, index)}.${index}@${EMAIL_DOMAINS[hash(seed, index, 31) % EMAIL_DOMAINS.length]}`;
}

function localPart(seed: number, index: number): string {
  const country = weighted(hash(seed, index, 10), COUNTRIES);
  const first = country.firstNames[hash(seed, index, 11) % country.firstNames.length] as Name;
  const last = country.lastNames[hash(seed, index, 12) % country.lastNames.length] as Name;
  return `${first[1]}.${last[1]}`.toLowerCase();
}

function mixCase(email: string): string {
  return email.replace(
    /(^|[.@])([a-z])/g,
    (_, before: string, letter: string) => before + letter.toUpperCase(),
  );
}

function birthDate(a: number, b: number): string {
  const date = new Date(Date.UTC(1940, 0, 1) + (a % 23_000) * 86_400_000);
  const y = date.getUTCFullYear();
  const m = String(date.getUTCMonth() + 1).padStart(2, '0');
  const d = String(date.getUTCDate()).padStart(2, '0');
  const format = b % 20;
  if (format < 12) return `${y}-${m}-${d}`;
  if (format < 15) return `${y}-${m}-${d}T00:00:00Z`;
  if (format < 17) return `${m}/${d}/${y}`;
  if (format < 19) return `${d}.${m}.${y}`;
  return '';
}

function postalCode(code: string, h: number): string {
  const five = String(10_000 + (h % 89_999));
  if (code === 'GB') return `SW${1 + (h % 9)}A ${h % 10}AA`;
  if (code === 'US' && h % 4 === 0) return `${five}-${String(h % 10_000).padStart(4, '0')}`;
  return five;
}

/** National, international with + or 00, with and without spaces and punctuation, sometimes blank. */
function phone(country: Country, a: number, b: number): string {
  const subscriber = String(a % 10_000_000).padStart(7, '0');
  const area = country.areaCodes[b % country.areaCodes.length] as string;
  const spaced = `${area} ${subscriber.slice(0, 3)} ${subscriber.slice(3, 5)} ${subscriber.slice(5)}`;
  switch ((b >>> 8) % 7) {
    case 0:
      return `+${country.callingCode} ${spaced}`;
    case 1:
      return `${country.trunk}${area}${subscriber}`;
    case 2:
      return `00${country.callingCode} ${area} ${subscriber}`;
    case 3:
      return `+${country.callingCode}${area}${subscriber}`;
    case 4:
      return `(${country.trunk}${area}) ${subscriber.slice(0, 3)}-${subscriber.slice(3)}`;
    case 5:
      return `${country.trunk} ${spaced}`;
    default:
      return '';
  }
}

function weighted<T extends { weight: number }>(h: number, items: readonly T[]): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let point = h % total;
  for (const item of items) {
    if (point < item.weight) return item;
    point -= item.weight;
  }
  return items[0] as T;
}

/** 32-bit avalanche mix of (seed, index, salt). */
function hash(seed: number, index: number, salt: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  h ^= Math.imul(index + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h ^= Math.imul(salt + 0x27d4eb2f, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** [as written, ASCII spelling used in the email address] */
type Name = readonly [string, string];

interface Country {
  code: string;
  weight: number;
  /** How customers wrote the country: names, native names, ISO codes, case variants. */
  names: readonly string[];
  callingCode: string;
  trunk: string;
  areaCodes: readonly string[];
  firstNames: readonly Name[];
  lastNames: readonly Name[];
  cities: readonly { city: string; state: string }[];
  streets: readonly string[];
}

const COUNTRIES: readonly Country[] = [
  {
    code: 'TR',
    weight: 30,
    names: ['Türkiye', 'Turkey', 'TR', 'turkey', 'TÜRKİYE', 'Republic of Türkiye'],
    callingCode: '90',
    trunk: '0',
    areaCodes: ['532', '541', '505', '212', '312'],
    firstNames: [
      ['İbrahim', 'ibrahim'],
      ['Işıl', 'isil'],
      ['Şükrü', 'sukru'],
      ['Çağla', 'cagla'],
      ['Ayşe', 'ayse'],
      ['Gülşen', 'gulsen'],
      ['Oğuz', 'oguz'],
      ['İpek', 'ipek'],
    ],
    lastNames: [
      ['Yılmaz', 'yilmaz'],
      ['Öztürk', 'ozturk'],
      ['Doğan', 'dogan'],
      ['Şahin', 'sahin'],
      ['Güneş', 'gunes'],
      ['Kılıç', 'kilic'],
    ],
    cities: [
      { city: 'İstanbul', state: 'İstanbul' },
      { city: 'Ankara', state: 'Ankara' },
      { city: 'İzmir', state: 'İzmir' },
      { city: 'Diyarbakır', state: 'Diyarbakır' },
    ],
    streets: ['Atatürk Caddesi', 'İstiklal Caddesi', 'Bağdat Caddesi'],
  },
  {
    code: 'US',
    weight: 25,
    names: ['USA', 'United States', 'US', 'United States of America', 'U.S.A.'],
    callingCode: '1',
    trunk: '1',
    areaCodes: ['206', '212', '415', '312'],
    firstNames: [
      ['John', 'john'],
      ['Mary', 'mary'],
      ['José', 'jose'],
      ['Chloë', 'chloe'],
      ['Ava', 'ava'],
    ],
    lastNames: [
      ['Smith', 'smith'],
      ["O'Brien", 'obrien'],
      ['García', 'garcia'],
      ['Johnson', 'johnson'],
    ],
    cities: [
      { city: 'Seattle', state: 'WA' },
      { city: 'New York', state: 'NY' },
      { city: 'San Francisco', state: 'CA' },
      { city: 'Chicago', state: 'IL' },
    ],
    streets: ['Main Street', 'Pine St', '5th Avenue'],
  },
  {
    code: 'DE',
    weight: 15,
    names: ['Deutschland', 'Germany', 'DE', 'germany'],
    callingCode: '49',
    trunk: '0',
    areaCodes: ['30', '89', '221', '40'],
    firstNames: [
      ['Jürgen', 'juergen'],
      ['Anna', 'anna'],
      ['Björn', 'bjoern'],
      ['Käthe', 'kaethe'],
    ],
    lastNames: [
      ['Müller', 'mueller'],
      ['Groß', 'gross'],
      ['Schäfer', 'schaefer'],
      ['Weiß', 'weiss'],
    ],
    cities: [
      { city: 'Berlin', state: 'Berlin' },
      { city: 'München', state: 'Bayern' },
      { city: 'Köln', state: 'Nordrhein-Westfalen' },
    ],
    streets: ['Hauptstraße', 'Bahnhofstraße', 'Königsallee'],
  },
  {
    code: 'GB',
    weight: 10,
    names: ['United Kingdom', 'UK', 'GB', 'Great Britain'],
    callingCode: '44',
    trunk: '0',
    areaCodes: ['20', '161', '7700'],
    firstNames: [
      ['Oliver', 'oliver'],
      ['Amelia', 'amelia'],
    ],
    lastNames: [
      ['Jones', 'jones'],
      ['Taylor', 'taylor'],
    ],
    cities: [
      { city: 'London', state: 'England' },
      { city: 'Manchester', state: 'England' },
    ],
    streets: ['High Street', 'Baker Street'],
  },
  {
    code: 'GR',
    weight: 7,
    names: ['Greece', 'Ελλάδα', 'GR', 'Hellas'],
    callingCode: '30',
    trunk: '',
    areaCodes: ['21', '231', '69'],
    firstNames: [
      ['Γιώργος', 'giorgos'],
      ['Ελένη', 'eleni'],
      ['Σοφία', 'sofia'],
    ],
    lastNames: [
      ['Παπαδόπουλος', 'papadopoulos'],
      ['Οικονόμου', 'oikonomou'],
    ],
    cities: [
      { city: 'Αθήνα', state: 'Αττική' },
      { city: 'Thessaloniki', state: 'Central Macedonia' },
    ],
    streets: ['Οδός Ερμού', 'Leoforos Kifisias'],
  },
  {
    code: 'BG',
    weight: 7,
    names: ['Bulgaria', 'България', 'BG'],
    callingCode: '359',
    trunk: '0',
    areaCodes: ['2', '52', '88'],
    firstNames: [
      ['Иван', 'ivan'],
      ['Мария', 'maria'],
      ['Цветелина', 'tsvetelina'],
    ],
    lastNames: [
      ['Петров', 'petrov'],
      ['Иванова', 'ivanova'],
    ],
    cities: [
      { city: 'София', state: 'София-град' },
      { city: 'Varna', state: 'Varna' },
    ],
    streets: ['бул. Витоша', 'ул. Граф Игнатиев'],
  },
  {
    code: 'JP',
    weight: 6,
    names: ['Japan', '日本', 'JP'],
    callingCode: '81',
    trunk: '0',
    areaCodes: ['3', '6', '90'],
    firstNames: [
      ['太郎', 'taro'],
      ['花子', 'hanako'],
      ['さくら', 'sakura'],
    ],
    lastNames: [
      ['山田', 'yamada'],
      ['佐藤', 'sato'],
    ],
    cities: [
      { city: '東京', state: '東京都' },
      { city: 'Osaka', state: 'Osaka' },
    ],
    streets: ['銀座', 'Chuo-dori'],
  },
];

const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com'] as const;

const INVALID_EMAILS = [
  'not-an-email',
  'missing-domain@',
  '@example.com',
  'two words@example.com',
  'double@@example.com',
  'comma,separated@example.com',
] as const;

const GENDERS = ['Male', 'Female', 'male', 'female', 'M', 'F', 'Other', 'Non-binary', ''] as const;

const LOYALTY_TIERS = ['Bronze', 'Silver', 'Gold', 'Platinum', null] as const;
