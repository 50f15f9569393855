import { z } from 'zod';
import { accepted, emptyRequest, type MessageSpec, roleSchema } from './spec.ts';

/** Long enough to resist guessing from a copied profile, short enough to type. */
export const MIN_PASSPHRASE_LENGTH = 8;
const passphrase = z.string().min(1).max(1024);
const newPassphrase = z.string().min(MIN_PASSPHRASE_LENGTH).max(1024);

export const roleMessages = {
  'role.unlock': {
    request: z.object({ passphrase }).strict(),
    response: z.object({ role: roleSchema }),
  },
  'role.lock': { request: emptyRequest, response: accepted },
  'passphrase.set': {
    request: z.object({ passphrase: newPassphrase, current: passphrase.optional() }).strict(),
    response: accepted,
  },
  'passphrase.remove': {
    request: z.object({ current: passphrase }).strict(),
    response: accepted,
  },
  'data.deleteAll': {
    request: z.object({ confirm: z.literal('delete all data') }).strict(),
    response: accepted,
  },
} as const satisfies Record<string, MessageSpec>;
