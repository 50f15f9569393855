import type { CiEnvironmentView, CiSignInState } from '../../messaging/protocol.ts';
import { type MessageKey, t } from '../../ui/i18n.ts';

const stateLabels: Record<CiSignInState, MessageKey> = {
  'signed-out': 'ciStateSignedOut',
  'signed-in': 'ciStateSignedIn',
  'sign-in-required': 'ciStateSignInRequired',
};

interface Props {
  environments: CiEnvironmentView[];
  /** The environment whose sign-in window is open. */
  signingIn: string | null;
  onSignIn: (environment: CiEnvironmentView) => void;
  onSignOut: (environment: CiEnvironmentView) => void;
  onEdit: (environment: CiEnvironmentView) => void;
  onRemove: (environment: CiEnvironmentView) => void;
}

export const environmentLabel = (e: CiEnvironmentView) => e.name ?? e.environmentId;

export function CustomerInsightsTable({
  environments,
  signingIn,
  onSignIn,
  onSignOut,
  onEdit,
  onRemove,
}: Props) {
  return (
    <table class="table" aria-label={t('ciListLabel')}>
      <thead>
        <tr>
          <th scope="col">{t('ciColumnEnvironment')}</th>
          <th scope="col">{t('ciTenant')}</th>
          <th scope="col">{t('ciClientId')}</th>
          <th scope="col">{t('ciSubscriptionKey')}</th>
          <th scope="col">{t('ciColumnSignIn')}</th>
          <th scope="col">{t('fileColumnUsedBy')}</th>
          <th scope="col">{t('connectionColumnActions')}</th>
        </tr>
      </thead>
      <tbody>
        {environments.map((e) => {
          const label = environmentLabel(e);
          return (
            <tr key={e.id}>
              <th scope="row">
                {label}
                {e.name !== null && <div class="hint">{e.environmentId}</div>}
              </th>
              <td>{e.tenant}</td>
              <td>{e.clientId}</td>
              <td>{e.keyHint}</td>
              <td>{t(stateLabels[e.state])}</td>
              <td>{e.usedBy.join(', ')}</td>
              <td class="actions">
                {e.state === 'signed-in' ? (
                  <button
                    type="button"
                    class="secondary"
                    aria-label={t('ciSignOutNamed', label)}
                    onClick={() => onSignOut(e)}
                  >
                    {t('ciSignOut')}
                  </button>
                ) : (
                  <button
                    type="button"
                    disabled={signingIn !== null}
                    aria-label={t(
                      e.state === 'sign-in-required' ? 'ciSignInAgainNamed' : 'ciSignInNamed',
                      label,
                    )}
                    onClick={() => onSignIn(e)}
                  >
                    {e.state === 'sign-in-required' ? t('ciSignInAgain') : t('ciSignIn')}
                  </button>
                )}
                <button
                  type="button"
                  class="secondary"
                  aria-label={t('actionEditNamed', label)}
                  onClick={() => onEdit(e)}
                >
                  {t('actionEdit')}
                </button>
                <button
                  type="button"
                  class="secondary"
                  aria-label={t('actionRemoveNamed', label)}
                  onClick={() => onRemove(e)}
                >
                  {t('actionRemove')}
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
