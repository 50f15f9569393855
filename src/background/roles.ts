import { z } from 'zod';
import { hashPassphrase, PBKDF2_ITERATIONS, verifyPassphrase } from '../core/passphrase.ts';
import type { Role } from '../messaging/protocol.ts';
import type { Database } from '../storage/open-database.ts';
import { readAdminPassphrase, writeAdminPassphrase } from '../storage/settings.ts';
import { HandledError } from './router.ts';
import type { SessionArea } from './session-area.ts';

/** An unlocked administrator session locks itself after this long without administrator actions. */
export const ADMINISTRATOR_IDLE_MS = 30 * 60_000;
/** After this many wrong passphrases in a row, each further try waits a while. */
const FREE_ATTEMPTS = 5;
const ATTEMPT_DELAY_MS = 30_000;

const UNLOCKED_UNTIL = 'administrator-unlocked-until';
const FAILURES = 'administrator-unlock-failures';
const failuresSchema = z.object({ count: z.number().int().nonnegative(), last: z.number() });

export interface RolesDeps {
  db: Database;
  /** `storage.session`: the unlocked state lasts for this browser session only. */
  session: SessionArea;
  now: () => number;
  iterations?: number;
}

/**
 * The administrator / contributor split of DESIGN.md §7. With no passphrase the single user is the
 * administrator; with one, the extension runs as contributor until unlocked. This guards the UI and
 * the worker's messages; it cannot stop someone with full control of the browser profile.
 */
export class Roles {
  constructor(private readonly deps: RolesDeps) {}

  private async unlockedUntil(): Promise<number> {
    const value = (await this.deps.session.get(UNLOCKED_UNTIL))[UNLOCKED_UNTIL];
    return typeof value === 'number' ? value : 0;
  }

  async passphraseSet(): Promise<boolean> {
    return (await readAdminPassphrase(this.deps.db)) !== null;
  }

  async current(): Promise<Role> {
    if (!(await this.passphraseSet())) return 'administrator';
    return (await this.unlockedUntil()) > this.deps.now() ? 'administrator' : 'contributor';
  }

  /** Keeps an unlocked session alive while the administrator works. */
  async touch(): Promise<void> {
    if ((await this.unlockedUntil()) > this.deps.now()) await this.openSession();
  }

  private openSession() {
    return this.deps.session.set({ [UNLOCKED_UNTIL]: this.deps.now() + ADMINISTRATOR_IDLE_MS });
  }

  private async checkPassphrase(passphrase: string): Promise<boolean> {
    const stored = await readAdminPassphrase(this.deps.db);
    if (!stored) return true;
    const failures = failuresSchema.safeParse((await this.deps.session.get(FAILURES))[FAILURES]);
    const prior = failures.success ? failures.data : { count: 0, last: 0 };
    if (prior.count >= FREE_ATTEMPTS && this.deps.now() - prior.last < ATTEMPT_DELAY_MS) {
      throw new HandledError({
        code: 'too-many-attempts',
        message: 'Too many wrong passphrases. Wait 30 seconds and try again.',
        retryable: true,
      });
    }
    const right = await verifyPassphrase(passphrase, stored);
    if (right) await this.deps.session.remove(FAILURES);
    else await this.deps.session.set({ [FAILURES]: { count: prior.count + 1, last: this.deps.now() } });
    return right;
  }

  private async requirePassphrase(passphrase: string | undefined) {
    if (!(await this.checkPassphrase(passphrase ?? ''))) {
      throw new HandledError({
        code: 'wrong-passphrase',
        message: 'That is not the administrator passphrase.',
        retryable: false,
      });
    }
  }

  async unlock(passphrase: string): Promise<Role> {
    await this.requirePassphrase(passphrase);
    if (await this.passphraseSet()) await this.openSession();
    return this.current();
  }

  async lock(): Promise<void> {
    await this.deps.session.remove(UNLOCKED_UNTIL);
  }

  /** Sets or changes the passphrase; changing it needs the current one even while unlocked. */
  async setPassphrase(passphrase: string, current: string | undefined): Promise<void> {
    await this.requirePassphrase(current);
    const hash = await hashPassphrase(passphrase, this.deps.iterations ?? PBKDF2_ITERATIONS);
    await writeAdminPassphrase(this.deps.db, hash);
    await this.openSession();
  }

  async removePassphrase(current: string): Promise<void> {
    await this.requirePassphrase(current);
    await writeAdminPassphrase(this.deps.db, null);
    await this.lock();
  }
}
