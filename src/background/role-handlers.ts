import type { Roles } from './roles.ts';
import type { Handlers } from './router.ts';

type RoleHandlers = Pick<Handlers, 'role.unlock' | 'role.lock' | 'passphrase.set' | 'passphrase.remove'>;

export function createRoleHandlers(roles: Roles): RoleHandlers {
  return {
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
