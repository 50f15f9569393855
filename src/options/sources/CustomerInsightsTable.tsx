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
  /** Dataverse organisations the browser lets the extension reach. */
  access: ReadonlyMap<string, boolean>;
  /** The environment whose sign-in window is open. */
  signingIn: string | null;
  onAllowAccess: (environment: CustomerInsightsEnvironmentView) => void;
  onSignIn: (environment: CustomerInsightsEnvironmentView) => void;
  /** Absent for contributors, who do not configure environments. */
  onSignOut?: (environment: CustomerInsightsEnvironmentView) => void;
  onEdit?: (environment: CustomerInsightsEnvironmentView) => void;
  onRemove?: (environment: CustomerInsightsEnvironmentView) => void;
}

export const hostOf = (origin: string) => new URL(origin).host;

export const environmentLabel = (e: CustomerInsightsEnvironmentView) =>
  e.name ?? (e.route === 'dataverse' && e.orgUrl ? hostOf(e.orgUrl) : e.environmentId);

/** Whether the extension may not reach the environment's Dataverse organisation. */
export const lacksAccess = (e: CustomerInsightsEnvironmentView, access: ReadonlyMap<string, boolean>) =>
  e.route === 'dataverse' && e.orgUrl !== null && access.get(e.orgUrl) === false;

function Route({
  environment: e,
  access,
}: {
  environment: CustomerInsightsEnvironmentView;
  access: ReadonlyMap<string, boolean>;
}) {
  if (e.route === 'data-api') {
    return (
      <>
        {t('ciRouteDataApiShort')}
        {e.keyHint && <div class="hint">{t('ciKeyHint', e.keyHint)}</div>}
      </>
    );
  }
  const host = e.orgUrl ? hostOf(e.orgUrl) : '';
  return (
    <>
      {t('ciRouteDataverseShort')}
      <div class="hint">{host}</div>
      {lacksAccess(e, access) && <div class="hint">{t('ciAccessMissing', host)}</div>}
    </>
  );
}

export function CustomerInsightsTable({
  environments,
  access,
  signingIn,
  onAllowAccess,
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
          <th scope="col">{t('ciColumnRoute')}</th>
          <th scope="col">{t('ciTenant')}</th>
          <th scope="col">{t('ciClientId')}</th>
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
                <div class="hint">{e.environmentId}</div>
              </th>
              <td>
                <Route environment={e} access={access} />
              </td>
              <td>{e.tenant}</td>
              <td>{e.clientId}</td>
              <td>{t(stateLabels[e.state])}</td>
              <td>{e.usedBy.join(', ')}</td>
              <td class="actions">
                {lacksAccess(e, access) && e.orgUrl && (
                  <RowButton
                    primary
                    text={t('ciAllowAccess')}
                    label={t('ciAllowAccessNamed', hostOf(e.orgUrl))}
                    onClick={() => onAllowAccess(e)}
                  />
                )}
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
