import type {
  CustomerInsightsEnvironmentView,
  CustomerInsightsSignInState,
} from '../../messaging/protocol.ts';
import { type MessageKey, t } from '../../ui/i18n.ts';
import { RowButton } from '../../ui/RowButton.tsx';

const stateLabels: Record<CustomerInsightsSignInState, MessageKey> = {
  'signed-out': 'ciStateSignedOut',
  'signed-in': 'ciStateSignedIn',
  'sign-in-required': 'ciStateSignInRequired',
};

interface Props {
  environments: CustomerInsightsEnvironmentView[];
  /** The environment whose sign-in window is open. */
  signingIn: string | null;
  onSignIn: (environment: CustomerInsightsEnvironmentView) => void;
  /** Absent for contributors, who do not configure environments. */
  onSignOut?: (environment: CustomerInsightsEnvironmentView) => void;
  onEdit?: (environment: CustomerInsightsEnvironmentView) => void;
  onRemove?: (environment: CustomerInsightsEnvironmentView) => void;
}

export const environmentLabel = (e: CustomerInsightsEnvironmentView) => e.name ?? e.environmentId;

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
                  onSignOut && (
                    <RowButton
                      text={t('ciSignOut')}
                      label={t('ciSignOutNamed', label)}
                      onClick={() => onSignOut(e)}
                    />
                  )
                ) : e.state === 'sign-in-required' ? (
                  <RowButton
                    primary
                    text={t('ciSignInAgain')}
                    label={t('ciSignInAgainNamed', label)}
                    disabled={signingIn !== null}
                    onClick={() => onSignIn(e)}
                  />
                ) : (
                  <RowButton
                    primary
                    text={t('ciSignIn')}
                    label={t('ciSignInNamed', label)}
                    disabled={signingIn !== null}
                    onClick={() => onSignIn(e)}
                  />
                )}
                {onEdit && (
                  <RowButton
                    text={t('actionEdit')}
                    label={t('actionEditNamed', label)}
                    onClick={() => onEdit(e)}
                  />
                )}
                {onRemove && (
                  <RowButton
                    text={t('actionRemove')}
                    label={t('actionRemoveNamed', label)}
                    onClick={() => onRemove(e)}
                  />
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
