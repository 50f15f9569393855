import { useId } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { t } from '../../ui/i18n.ts';
import { useAsync } from '../../ui/use-async.ts';
import { ask } from '../../ui/worker.ts';

interface Props {
  value: string;
  onChange: (code: string) => void;
}

async function countries(): Promise<{ code: string; name: string }[]> {
  const { codes } = await ask('exports.countries', {});
  const language = browser.i18n.getUILanguage();
  const names = new Intl.DisplayNames([language], { type: 'region', fallback: 'code' });
  return codes
    .map((code) => ({ code, name: names.of(code) ?? code }))
    .sort((a, b) => a.name.localeCompare(b.name, language));
}

/** The export's default country: for national phone numbers and date order in rows without one. */
export function DefaultCountrySelect({ value, onChange }: Props) {
  const id = useId();
  const hintId = useId();
  const list = useAsync(countries, []);
  return (
    <div class="field">
      <label for={id}>{t('exportDefaultCountry')}</label>
      <select
        id={id}
        value={value}
        aria-describedby={hintId}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        <option value="">{t('exportDefaultCountryNone')}</option>
        {list.state === 'ready' &&
          list.value.map((country) => (
            <option key={country.code} value={country.code}>
              {country.name}
            </option>
          ))}
        {list.state !== 'ready' && value && <option value={value}>{value}</option>}
      </select>
      <span id={hintId} class="hint">
        {t('exportDefaultCountryHelp')}
      </span>
    </div>
  );
}
