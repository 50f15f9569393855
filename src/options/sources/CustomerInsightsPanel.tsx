import { useEffect, useState } from 'preact/hooks';
import type { CustomerInsightsEnvironmentView } from '../../messaging/protocol.ts';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { t } from '../../ui/i18n.ts';
import { useStatus } from '../../ui/status-context.ts';
import { useAsync } from '../../ui/use-async.ts';
import { ask } from '../../ui/worker.ts';
import { CustomerInsightsForm } from './CustomerInsightsForm.tsx';
import { CustomerInsightsTable, environmentLabel, hostOf } from './CustomerInsightsTable.tsx';
import { DataverseSegments } from './DataverseSegments.tsx';
import { requestOrgAccess, useOrgAccess } from './org-access.ts';

/** The environment id the popup passes when it sends the user here from a segment page. */
function environmentFromAddress(): string | undefined {
  return new URLSearchParams(location.search).get('environment') ?? undefined;
}

type Notice =
  | { kind: 'signed-in'; name: string; segments: number; route: CustomerInsightsEnvironmentView['route'] }
  | { kind: 'access-denied'; host: string }
  | null;

/** Sources › Customer Insights environments: add, sign in and out, edit, remove. */
interface Props {
  /** Tells the Sources section how many environments there are, for its "No sources yet". */
  onCount: (count: number) => void;
}

export function CustomerInsightsPanel({ onCount }: Props) {
  const { status } = useStatus();
  // Administrators configure environments (background/permissions.ts); contributors may sign in again.
  const administrator = status.state === 'ready' && status.value.role === 'administrator';
  const [version, setVersion] = useState(0);
  const list = useAsync(() => ask('customer-insights.environments.list', {}), [version, administrator]);
  const suggested = environmentFromAddress();
  const [editing, setEditing] = useState<'new' | CustomerInsightsEnvironmentView | null>(
    suggested ? 'new' : null,
  );
  const [signingIn, setSigningIn] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = () => setVersion((v) => v + 1);
  const count = list.state === 'ready' ? list.value.environments.length : 0;
  useEffect(() => onCount(count), [count]);
  const origins =
    list.state === 'ready' ? list.value.environments.flatMap((e) => (e.orgUrl ? [e.orgUrl] : [])) : [];
  const access = useOrgAccess(origins);

  async function act(action: () => Promise<unknown>) {
    setError(null);
    setNotice(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    }
    reload();
  }

  const signIn = (environment: CustomerInsightsEnvironmentView) =>
    void act(async () => {
      setSigningIn(environment.id);
      try {
        const done = await ask('customer-insights.environments.signIn', { id: environment.id });
        setNotice({
          kind: 'signed-in',
          name: environmentLabel(done.environment),
          segments: done.segmentCount,
          route: done.environment.route,
        });
      } finally {
        setSigningIn(null);
      }
    });
  const allowAccess = (environment: CustomerInsightsEnvironmentView) => {
    if (!environment.orgUrl) return;
    const host = hostOf(environment.orgUrl);
    // Asked from the click itself: the browser grants optional access only during a user gesture.
    void requestOrgAccess(environment.orgUrl).then((allowed) =>
      setNotice(allowed ? null : { kind: 'access-denied', host }),
    );
  };
  const signOut = (environment: CustomerInsightsEnvironmentView) =>
    void act(() => ask('customer-insights.environments.signOut', { id: environment.id }));
  const remove = (environment: CustomerInsightsEnvironmentView) => {
    if (confirm(t('ciRemoveConfirm', environmentLabel(environment)))) {
      void act(() => ask('customer-insights.environments.remove', { id: environment.id }));
    }
  };

  if (list.state === 'loading') return null;
  if (list.state === 'failed') return <ErrorMessage error={list.error} />;
  const { environments, redirectUrl } = list.value;
  const known = suggested && environments.some((e) => e.environmentId === suggested.toLowerCase());
  return (
    <section aria-labelledby="ci-heading" class="ci-environments">
      <h3 id="ci-heading">{t('ciHeading')}</h3>
      {!administrator && <p>{t('ciContributorNote')}</p>}
      {!administrator ? null : editing === null ? (
        <button type="button" onClick={() => setEditing('new')}>
          {t('ciAdd')}
        </button>
      ) : (
        <CustomerInsightsForm
          key={editing === 'new' ? 'new' : editing.id}
          editing={editing === 'new' ? undefined : editing}
          environmentId={editing === 'new' && !known ? suggested : undefined}
          redirectUrl={redirectUrl}
          onSaved={(saved, allowed) => {
            setEditing(null);
            setNotice(
              allowed || !saved.orgUrl ? null : { kind: 'access-denied', host: hostOf(saved.orgUrl) },
            );
            reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {signingIn !== null && <p role="status">{t('ciSigningIn')}</p>}
      {notice?.kind === 'signed-in' && (
        <p role="status">
          {notice.route === 'dataverse'
            ? t('ciSignedInDataverseNotice', notice.name)
            : t('ciSignedInNotice', notice.name, notice.segments)}
        </p>
      )}
      {notice?.kind === 'access-denied' && <p role="alert">{t('ciAccessDenied', notice.host)}</p>}
      {error !== null && <ErrorMessage error={error} />}
      {environments.length > 0 && (
        <CustomerInsightsTable
          environments={environments}
          access={access}
          signingIn={signingIn}
          onAllowAccess={allowAccess}
          onSignIn={signIn}
          {...(administrator ? { onSignOut: signOut, onEdit: setEditing, onRemove: remove } : {})}
        />
      )}
      {environments
        .filter((e) => e.route === 'dataverse')
        .map((e) => (
          <DataverseSegments key={e.id} environment={e} administrator={administrator} onChanged={reload} />
        ))}
    </section>
  );
}
