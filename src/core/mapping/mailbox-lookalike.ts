/**
 * The large mailbox providers, and the real domains next to them that must not be taken for typos
 * (mail.com, email.com and ymail.com are one letter from gmail.com and are real).
 */
const providers = [
  'gmail.com',
  'googlemail.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.de',
  'hotmail.fr',
  'hotmail.it',
  'hotmail.es',
  'outlook.com',
  'outlook.com.tr',
  'live.com',
  'msn.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.de',
  'yahoo.fr',
  'yahoo.com.tr',
  'ymail.com',
  'rocketmail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'gmx.de',
  'gmx.net',
  'gmx.com',
  'web.de',
  't-online.de',
  'yandex.ru',
  'yandex.com',
  'yandex.com.tr',
  'mail.ru',
  'mail.com',
  'email.com',
  'proton.me',
  'protonmail.com',
  'mynet.com',
  'orange.fr',
  'free.fr',
  'laposte.net',
  'libero.it',
] as const;
const known = new Set<string>(providers);

// Only names long enough that one slip cannot land on another real provider count for typos.
const typoTargets = providers.filter((domain) => (domain.split('.')[0] ?? '').length >= 5);

// Letters that read alike: the Turkish dotless ı, digits for letters, Cyrillic and Greek twins.
const confusables: readonly [RegExp, string][] = [
  [/[ıİíìîïі1l|]/g, 'i'],
  [/[0оοóòôö]/g, 'o'],
  [/[аáàâä]/g, 'a'],
  [/[еéèêë]/g, 'e'],
  [/rn/g, 'm'],
  [/vv/g, 'w'],
  [/[рρ]/g, 'p'],
  [/[сç]/g, 'c'],
  [/[уý]/g, 'y'],
  [/х/g, 'x'],
  [/ј/g, 'j'],
  [/ν/g, 'v'],
];

function skeleton(domain: string): string {
  let text = domain;
  for (const [pattern, replacement] of confusables) text = text.replace(pattern, replacement);
  return text;
}
const providerBySkeleton = new Map(providers.map((domain) => [skeleton(domain), domain]));

const cache = new Map<string, string | null>();
const maxCached = 10_000;

/**
 * The large mailbox provider a domain looks like but is not (`gmaıl.com`, `gmial.com`,
 * `hotmial.com` → gmail.com, hotmail.com), or undefined. Such an address is kept – the domain may
 * be real – but worth a look before sending. `domain` is as typed, lower-cased, Unicode or not.
 */
export function mailboxLookalike(domain: string): string | undefined {
  let found = cache.get(domain);
  if (found === undefined) {
    found = lookalikeOf(domain) ?? null;
    if (cache.size >= maxCached) cache.clear();
    cache.set(domain, found);
  }
  return found ?? undefined;
}

function lookalikeOf(domain: string): string | undefined {
  if (known.has(domain)) return undefined;
  const bySkeleton = providerBySkeleton.get(skeleton(domain));
  if (bySkeleton !== undefined) return bySkeleton;
  return typoTargets.find((provider) => withinOneEdit(domain, provider));
}

/** True when one insertion, deletion, substitution or swap of neighbours turns `a` into `b`. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let start = 0;
  while (start < a.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const restA = a.slice(start, endA);
  const restB = b.slice(start, endB);
  if (restA.length <= 1 && restB.length <= 1) return true;
  return restA.length === 2 && restB.length === 2 && restA[0] === restB[1] && restA[1] === restB[0];
}
