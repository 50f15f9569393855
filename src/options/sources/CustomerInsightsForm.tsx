import { useState } from 'preact/hooks';
import type { CustomerInsightsEnvironmentView } from '../../messaging/protocol.ts';
import { CheckboxField } from '../../ui/CheckboxField.tsx';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { FormActions } from '../../ui/FormActions.tsx';
import { t } from '../../ui/i18n.ts';
import { TextField } from '../../ui/TextField.tsx';
import { ask } from '../../ui/worker.ts';

interface Props {
  /** The environment to edit; absent to add one. */
  editing?: CustomerInsightsEnvironmentView | undefined;
  /** An environment id to start with (from the segment page the popup saw). */
  environmentId?: string | undefined;
  redirectUrl: string;
  onSaved: (environment: CustomerInsightsEnvironmentView) => void;
  onCancel: () => void;
}

/** Sources › "Add Customer Insights environment": what the Data API and the Entra ID sign-in need. */
export function CustomerInsightsForm({ editing, environmentId, redirectUrl, onSaved, onCancel }: Props) {
  const [environment, setEnvironment] = useState(editing?.environmentId ?? environmentId ?? '');
  const [subscriptionKey, setSubscriptionKey] = useState('');
  const [tenant, setTenant] = useState(editing?.tenant ?? '');
  const [clientId, setClientId] = useState(editing?.clientId ?? '');
  const [allowLockedRuns, setAllowLockedRuns] = useState(editing?.allowLockedRuns ?? true);
  const [saving, setSaving] = useState(false);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const complete =
    environment.trim() && tenant.trim() && clientId.trim() && (editing || subscriptionKey.trim());

  async function save(event: Event) {
    event.preventDefault();
    if (!complete) return;
    setSaving(true);
    setError(null);
    try {
      const { environment: saved } = await ask('customer-insights.environments.save', {
        ...(editing ? { id: editing.id } : {}),
        environmentId: environment.trim(),
        tenant: tenant.trim(),
        clientId: clientId.trim(),
        ...(subscriptionKey.trim() ? { subscriptionKey: subscriptionKey.trim() } : {}),
        allowLockedRuns,
      });
      onSaved(saved);
    } catch (e) {
      setError(e);
      setSaving(false);
    }
  }

  async function copy() {
    await navigator.clipboard.writeText(redirectUrl);
    setCopied(true);
  }

  return (
    <form class="form" onSubmit={save} aria-labelledby="ci-form-title">
      <h3 id="ci-form-title">{editing ? t('ciEditTitle') : t('ciAdd')}</h3>
      <TextField
        label={t('ciEnvironmentId')}
        value={environment}
        onInput={setEnvironment}
        required
        verbatim
      />
      <p class="hint">{t('ciEnvironmentIdHint')}</p>
      <TextField
        label={t('ciSubscriptionKey')}
        type="password"
        value={subscriptionKey}
        onInput={setSubscriptionKey}
        required={!editing}
      />
      <p class="hint">{editing ? t('ciSubscriptionKeyKeep', editing.keyHint) : t('ciSubscriptionKeyHint')}</p>
      <TextField label={t('ciTenant')} value={tenant} onInput={setTenant} required verbatim />
      <TextField label={t('ciClientId')} value={clientId} onInput={setClientId} required verbatim />
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
