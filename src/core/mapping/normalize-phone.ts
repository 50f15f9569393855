import { textOf } from './blank.ts';
import { accept, type FieldResult, reject } from './field-result.ts';
import { type PhonePlan, phonePlans } from './phone-table.ts';

interface CodePlan {
  readonly minDigits: number;
  readonly maxDigits: number;
  readonly trunkPrefixes: readonly string[];
}

// Several countries share a calling code (+1, +7, +44, …); abroad only the code is known.
const byCallingCode = new Map<string, CodePlan>();
for (const plan of phonePlans.values()) {
  const known = byCallingCode.get(plan.callingCode);
  const trunks = new Set([...(known?.trunkPrefixes ?? []), ...(plan.trunkPrefix ? [plan.trunkPrefix] : [])]);
  byCallingCode.set(plan.callingCode, {
    minDigits: Math.min(known?.minDigits ?? plan.minDigits, plan.minDigits),
    maxDigits: Math.max(known?.maxDigits ?? plan.maxDigits, plan.maxDigits),
    trunkPrefixes: [...trunks],
  });
}

const separators = /[\s\-.()/\u00a0\u2010-\u2015]/g;
const maxE164Digits = 15;

/**
 * A phone number in E.164 (`+905321234567`). A number written internationally (`+…` or `00…`)
 * stands on its own; a national one needs the country (the row's mapped country, or the export's
 * default), whose trunk prefix is dropped. Numbers whose length cannot be right are rejected.
 */
export function normalizePhone(value: unknown, country?: string): FieldResult<string> {
  const text = textOf(value);
  if (text === undefined) return reject('phone-invalid');
  const compact = text.replace(separators, '');
  if (!/^\+?\d+$/.test(compact)) return reject('phone-invalid');
  const plan = country === undefined ? undefined : phonePlans.get(country);
  const international = internationalDigits(compact, plan);
  if (international !== undefined) return fromInternational(international);
  if (plan === undefined) return reject('phone-needs-country');
  return fromNational(compact, plan);
}

function internationalDigits(compact: string, plan: PhonePlan | undefined): string | undefined {
  if (compact.startsWith('+')) return compact.slice(1);
  if (compact.startsWith('00')) return compact.slice(2);
  if (plan?.callingCode === '1' && compact.startsWith('011')) return compact.slice(3);
  return undefined;
}

function fromInternational(digits: string): FieldResult<string> {
  for (const length of [1, 2, 3]) {
    const code = digits.slice(0, length);
    const plan = byCallingCode.get(code);
    if (plan === undefined) continue;
    const national = withoutTrunk(digits.slice(length), code, plan);
    return national === undefined ? reject('phone-invalid') : accept(`+${code}${national}`);
  }
  return reject('phone-invalid');
}

function fromNational(digits: string, plan: PhonePlan): FieldResult<string> {
  const code = plan.callingCode;
  const trunks = plan.trunkPrefix === undefined ? [] : [plan.trunkPrefix];
  const national =
    withoutTrunk(digits, code, { ...plan, trunkPrefixes: trunks }) ??
    // Written with the country code but without the + ("905321234567" for Türkiye).
    (digits.startsWith(code)
      ? withoutTrunk(digits.slice(code.length), code, { ...plan, trunkPrefixes: [] })
      : undefined);
  return national === undefined ? reject('phone-invalid') : accept(`+${code}${national}`);
}

/** The national significant number, with a trunk prefix dropped when the length says it is one. */
function withoutTrunk(digits: string, code: string, plan: CodePlan): string | undefined {
  for (const trunk of plan.trunkPrefixes) {
    if (digits.startsWith(trunk)) {
      const rest = digits.slice(trunk.length);
      if (isPlausible(rest, code, plan)) return rest;
    }
  }
  return isPlausible(digits, code, plan) ? digits : undefined;
}

function isPlausible(national: string, code: string, plan: CodePlan): boolean {
  if (national.length < plan.minDigits || national.length > plan.maxDigits) return false;
  if (code.length + national.length > maxE164Digits) return false;
  // North American area codes never start with 0 or 1.
  return code !== '1' || /^[2-9]/.test(national);
}
