import { useState } from 'preact/hooks';
import { lockedRunsByDefault } from '../../core/share-with.ts';
import {
  type BrandSummary,
  type ConnectionView,
  PRIVACY_STATEMENT_VERSION,
  type ShareWith,
} from '../../messaging/protocol.ts';
import { CheckboxField } from '../../ui/CheckboxField.tsx';
import { ErrorMessage } from '../../ui/ErrorMessage.tsx';
import { FormActions } from '../../ui/FormActions.tsx';
import { t } from '../../ui/i18n.ts';
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { ask } from '../../ui/worker.ts';

const OMNISEND_API_KEYS_PAGE = 'https://app.omnisend.com/integrations/api-keys';

interface Props {
  existing?: ConnectionView | undefined;
  onSaved: (connection: ConnectionView) => void;
  onCancel: () => void;
}

/**
 * "Add connection" and "Edit connection", with the original feature's words. The key is checked
 * with Connect before Save is possible; the worker checks it again on Save.
 */
export function ConnectionForm({ existing, onSaved, onCancel }: Props) {
  const [displayName, setDisplayName] = useState(existing?.displayName ?? '');
  const [shareWith, setShareWith] = useState<ShareWith>(existing?.shareWith ?? 'administrators');
  // Follows "Who can use this connection" until the administrator chooses (core/share-with.ts).
  const [allowLockedRuns, setAllowLockedRuns] = useState<boolean | null>(existing?.allowLockedRuns ?? null);
  const lockedRuns = allowLockedRuns ?? lockedRunsByDefault(shareWith);
  const [apiKey, setApiKey] = useState('');
  const [agreed, setAgreed] = useState(false);
  const [checked, setChecked] = useState<{ key: string; brand: BrandSummary } | null>(null);
  const [busy, setBusy] = useState<'checking' | 'saving' | null>(null);
  const [error, setError] = useState<unknown>(null);

  const key = apiKey.trim();
  const brand = key ? (checked?.key === key ? checked.brand : null) : (existing?.brand ?? null);
  const canSave = displayName.trim() !== '' && agreed && brand !== null && busy === null;

  async function connect() {
    setBusy('checking');
    setError(null);
    try {
      const result = await ask('connections.check', { apiKey: key });
      setChecked({ key, brand: result.brand });
    } catch (e) {
      setChecked(null);
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  async function save(event: Event) {
    event.preventDefault();
    if (!canSave) return;
    setBusy('saving');
    setError(null);
    try {
      const result = await ask('connections.save', {
        ...(existing ? { id: existing.id } : {}),
        displayName: displayName.trim(),
        shareWith,
        allowLockedRuns: lockedRuns,
        ...(key ? { apiKey: key } : {}),
        agreed: true,
        statementVersion: PRIVACY_STATEMENT_VERSION,
      });
      onSaved(result.connection);
    } catch (e) {
      setError(e);
      setBusy(null);
    }
  }

  return (
    <form class="form" onSubmit={save} aria-labelledby="connection-form-title">
      <h3 id="connection-form-title">{existing ? t('connectionEditTitle') : t('connectionAdd')}</h3>
      <TextField
        label={t('connectionDisplayName')}
        value={displayName}
        onInput={setDisplayName}
        required
        maxLength={100}
      />
      <RadioGroup
        legend={t('connectionWhoCanUse')}
        name="share-with"
        value={shareWith}
        onChange={setShareWith}
        options={[
          { value: 'administrators', label: t('connectionShareAdministrators') },
          { value: 'administrators-and-contributors', label: t('connectionShareContributors') },
        ]}
      />
      <CheckboxField
        label={t('connectionAllowLockedRuns')}
        checked={lockedRuns}
        onChange={setAllowLockedRuns}
        hint={t('connectionAllowLockedRunsHint')}
      />
      <TextField
        label={t('connectionApiKey')}
        type="password"
        value={apiKey}
        onInput={setApiKey}
        required={!existing}
        verbatim
        describedBy="api-key-help"
      />
      <p id="api-key-help" class="hint">
        {existing && <>{t('connectionApiKeyKeep', existing.keyHint)} </>}
        <a href={OMNISEND_API_KEYS_PAGE} target="_blank" rel="noreferrer">
          {t('connectionApiKeyLink')}
        </a>
      </p>
      <div class="row">
        <button type="button" onClick={connect} disabled={!key || busy !== null}>
          {t('connectionConnect')}
        </button>
        <span aria-live="polite">
          {busy === 'checking' && t('connectionChecking')}
          {busy !== 'checking' && brand && key && t('connectionConnected', brand.name)}
        </span>
      </div>
      <section class="privacy" aria-labelledby="privacy-title">
        <h4 id="privacy-title">{t('connectionPrivacyTitle')}</h4>
        <p>{t('connectionPrivacyStatement')}</p>
        <label class="choice">
          <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.currentTarget.checked)} />
          {t('connectionAgree')}
        </label>
      </section>
      {error !== null && <ErrorMessage error={error} />}
      <FormActions canSubmit={canSave} onCancel={onCancel} describedBy="save-hint" />
      {!canSave && (
        <p id="save-hint" class="hint">
          {t('connectionSaveHint')}
        </p>
      )}
    </form>
  );
}
