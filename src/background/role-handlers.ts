import type { Roles } from './roles.ts';
import type { Handlers } from './router.ts';

type RoleHandlers = Pick<
  Handlers,
  'role.unlock' | 'role.lock' | 'passphrase.set' | 'passphrase.remove' | 'data.deleteAll'
>;

export interface RoleEvents {
  /** Wipes durable and session state; injected because it also stops running work. */
  deleteAll(): Promise<void>;
  /** The vault key is available: runs that waited for it go on. */
  unlocked(): Promise<void>;
}

export function createRoleHandlers(roles: Roles, events: RoleEvents): RoleHandlers {
  return {
    async 'data.deleteAll'() {
      await events.deleteAll();
      await roles.lock();
      return { accepted: true };
    },
    async 'role.unlock'({ passphrase }) {
      const role = await roles.unlock(passphrase);
      if (role === 'administrator') await events.unlocked();
      return { role };
    },
    async 'role.lock'() {
      await roles.lock();
      return { accepted: true };
    },
    async 'passphrase.set'({ passphrase, current }) {
      await roles.setPassphrase(passphrase, current);
      return { accepted: true };
    },
    async 'passphrase.remove'({ current }) {
      await roles.removePassphrase(current);
      await events.unlocked();
      return { accepted: true };
    },
  };
}
