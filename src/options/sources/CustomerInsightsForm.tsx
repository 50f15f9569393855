import { useState } from 'preact/hooks';
import { parseOrgUrl } from '../../core/org-url.ts';
import type { CustomerInsightsEnvironmentView, CustomerInsightsRoute } from '../../messaging/protocol.ts';
import { CheckboxField } from '../../ui/CheckboxField.tsx';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { FormActions } from '../../ui/FormActions.tsx';
import { t } from '../../ui/i18n.ts';
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { ask } from '../../ui/worker.ts';
import { requestOrgAccess } from './org-access.ts';

interface Props {
  /** The environment to edit; absent to add one. */
  editing?: CustomerInsightsEnvironmentView | undefined;
  /** An environment id to start with (from the segment page the popup saw). */
  environmentId?: string | undefined;
  redirectUrl: string;
  /** `accessAllowed`: whether the browser lets the extension reach the Dataverse organisation. */
  onSaved: (environment: CustomerInsightsEnvironmentView, accessAllowed: boolean) => void;
  onCancel: () => void;
}

/**
 * Sources › "Add Customer Insights environment": how the environment is read – through Dataverse
 * (the default) or the deprecated Data API – and what that route and the Entra ID sign-in need.
 */
export function CustomerInsightsForm({ editing, environmentId, redirectUrl, onSaved, onCancel }: Props) {
  const [route, setRoute] = useState<CustomerInsightsRoute>(editing?.route ?? 'dataverse');
  const [environment, setEnvironment] = useState(editing?.environmentId ?? environmentId ?? '');
  const [orgUrl, setOrgUrl] = useState(editing?.orgUrl ?? '');
  const [subscriptionKey, setSubscriptionKey] = useState('');
  const [tenant, setTenant] = useState(editing?.tenant ?? '');
  const [clientId, setClientId] = useState(editing?.clientId ?? '');
  const [allowLockedRuns, setAllowLockedRuns] = useState(editing?.allowLockedRuns ?? true);
  const [saving, setSaving] = useState(false);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const org = parseOrgUrl(orgUrl);
  const routeReady = route === 'dataverse' ? org.ok : Boolean(editing || subscriptionKey.trim());
  const complete = environment.trim() && tenant.trim() && clientId.trim() && routeReady;

  function save(event: Event) {
    event.preventDefault();
    if (!complete) return;
    // Asked from the click itself: the browser grants optional access only during a user gesture.
    const access = route === 'dataverse' && org.ok ? requestOrgAccess(org.origin) : Promise.resolve(true);
    void store(access);
  }

  async function store(access: Promise<boolean>) {
    setSaving(true);
    setError(null);
    try {
      const common = {
        ...(editing ? { id: editing.id } : {}),
        environmentId: environment.trim(),
        tenant: tenant.trim(),
        clientId: clientId.trim(),
        allowLockedRuns,
      };
      const allowed = await access;
      const { environment: saved } = await ask(
        'customer-insights.environments.save',
        route === 'dataverse'
          ? { ...common, route, orgUrl: orgUrl.trim() }
          : {
              ...common,
              route,
              ...(subscriptionKey.trim() ? { subscriptionKey: subscriptionKey.trim() } : {}),
            },
      );
      onSaved(saved, allowed);
    } catch (e) {
      setError(e);
      setSaving(false);
    }
  }

  async function copy() {
    await navigator.clipboard.writeText(redirectUrl);
    setCopied(true);
  }

  const orgProblem =
    orgUrl.trim() === '' || org.ok
      ? null
      : org.reason === 'customer-insights-app'
        ? t('ciOrgUrlIsApp')
        : t('ciOrgUrlInvalid');
  return (
    <form class="form" onSubmit={save} aria-labelledby="ci-form-title">
      <h3 id="ci-form-title">{editing ? t('ciEditTitle') : t('ciAdd')}</h3>
      {editing ? (
        <p>{t('ciRouteFixed', t(route === 'dataverse' ? 'ciRouteDataverseShort' : 'ciRouteDataApiShort'))}</p>
      ) : (
        <RadioGroup
          legend={t('ciRouteLegend')}
          name="ci-route"
          value={route}
          onChange={setRoute}
          options={[
            { value: 'dataverse', label: t('ciRouteDataverse'), help: t('ciRouteDataverseHelp') },
            { value: 'data-api', label: t('ciRouteDataApi'), help: t('ciRouteDataApiHelp') },
          ]}
        />
      )}
      <TextField
        label={t('ciEnvironmentId')}
        value={environment}
        onInput={setEnvironment}
        required
        verbatim
      />
      <p class="hint">{t('ciEnvironmentIdHint')}</p>
      {route === 'dataverse' ? (
        <>
          <TextField label={t('ciOrgUrl')} value={orgUrl} onInput={setOrgUrl} required verbatim />
          <p class="hint">{t('ciOrgUrlHint')}</p>
          {org.ok && <p class="hint">{t('ciOrgUrlAccess', org.origin)}</p>}
          {orgProblem && <p role="alert">{orgProblem}</p>}
        </>
      ) : (
        <>
          <TextField
            label={t('ciSubscriptionKey')}
            type="password"
            value={subscriptionKey}
            onInput={setSubscriptionKey}
            required={!editing}
          />
          <p class="hint">
            {editing?.keyHint ? t('ciSubscriptionKeyKeep', editing.keyHint) : t('ciSubscriptionKeyHint')}
          </p>
        </>
      )}
      <TextField label={t('ciTenant')} value={tenant} onInput={setTenant} required verbatim />
      <TextField label={t('ciClientId')} value={clientId} onInput={setClientId} required verbatim />
      <p class="hint">{t(route === 'dataverse' ? 'ciClientIdHintDataverse' : 'ciClientIdHintDataApi')}</p>
      <label class="field">
        <span>{t('ciRedirectUri')}</span>
        <input type="text" readOnly value={redirectUrl} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <p class="hint">{t('ciRedirectUriHint')}</p>
      <CheckboxField
        label={t('ciAllowLockedRuns')}
        checked={allowLockedRuns}
        onChange={setAllowLockedRuns}
        hint={t('ciAllowLockedRunsHint')}
      />
      <div class="row">
        <button type="button" class="secondary" onClick={() => void copy()}>
          {t('ciCopyRedirectUri')}
        </button>
        {copied && <span role="status">{t('ciCopied')}</span>}
      </div>
      {error !== null && <ErrorMessage error={error} />}
      <FormActions canSubmit={Boolean(complete) && !saving} onCancel={onCancel} />
    </form>
  );
}
