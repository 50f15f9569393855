import { z } from 'zod';

/** Who may use a connection (DESIGN.md §7): administrators only, or contributors too. */
export const shareWithSchema = z.enum(['administrators', 'administrators-and-contributors']);
export type ShareWith = z.infer<typeof shareWithSchema>;

/**
 * Whether a connection's key stays usable while administrator is locked ("Allow scheduled runs
 * while locked") when nobody chose: yes for a shared connection, whose contributors work locked;
 * no for an administrators' one, whose key then needs the passphrase.
 */
export const lockedRunsByDefault = (shareWith: ShareWith) => shareWith !== 'administrators';
