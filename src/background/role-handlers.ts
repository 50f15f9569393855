import type { Roles } from './roles.ts';
import type { Handlers } from './router.ts';

type RoleHandlers = Pick<
  Handlers,
  'role.unlock' | 'role.lock' | 'passphrase.set' | 'passphrase.remove' | 'data.deleteAll'
>;

/** `deleteAll` wipes durable and session state; it is injected because it also stops running work. */
export function createRoleHandlers(roles: Roles, deleteAll: () => Promise<void>): RoleHandlers {
  return {
    async 'data.deleteAll'() {
      await deleteAll();
      await roles.lock();
      return { accepted: true };
    },
    async 'role.unlock'({ passphrase }) {
      return { role: await roles.unlock(passphrase) };
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
      return { accepted: true };
    },
  };
}
