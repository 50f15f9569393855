import { errorText } from './error-text.ts';
import { t } from './i18n.ts';

export function ErrorMessage({ error }: { error: unknown }) {
  const { text, requestId } = errorText(error);
  return (
    <div role="alert" class="error-message">
      <p>{text}</p>
      {requestId && <p class="error-message__id">{t('errorRequestId', requestId)}</p>}
    </div>
  );
}
