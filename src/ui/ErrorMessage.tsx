import { codedText, type ErrorText, errorText } from './error-text.ts';
import { t } from './i18n.ts';

/** An error from the worker, in the user's language, with what support needs. */
export function ErrorMessage({ error }: { error: unknown }) {
  return <ErrorLines {...errorText(error)} />;
}

/** Why a run failed, as History and the popup show it. */
export function RunErrorMessage({ error }: { error: Parameters<typeof codedText>[0] }) {
  return <ErrorLines {...codedText(error)} />;
}

function ErrorLines({ text, detail, requestId, details }: ErrorText) {
  return (
    <div role="alert" class="error-message">
      <p>{text}</p>
      {details.length > 0 && (
        <ul class="compact">
          {details.map((name) => (
            <li key={name}>{name}</li>
          ))}
        </ul>
      )}
      {detail && <p class="error-message__id">{t('errorServiceSaid', detail)}</p>}
      {requestId && <p class="error-message__id">{t('errorRequestId', requestId)}</p>}
    </div>
  );
}
