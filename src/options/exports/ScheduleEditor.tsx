import { useId } from 'preact/hooks';
import type { Schedule } from '../../core/export-definition.ts';
import { t } from '../../ui/i18n.ts';

interface Props {
  schedule: Schedule;
  onChange: (schedule: Schedule) => void;
  /** Whether every chosen segment's source reports its refreshes ("After each source refresh"). */
  refreshTracked: boolean;
}

/**
 * "Schedule": manual only, every N hours, daily at a time, or after each source refresh – offered
 * only when every chosen segment's source says when it was refreshed (Customer Insights through
 * Dataverse does not).
 */
export function ScheduleEditor({ schedule, onChange, refreshTracked }: Props) {
  const kindId = useId();
  const hintId = useId();
  return (
    <fieldset class="field">
      <legend>{t('exportSchedule')}</legend>
      <div class="field">
        <label for={kindId}>{t('scheduleKind')}</label>
        <select
          id={kindId}
          aria-describedby={refreshTracked ? undefined : hintId}
          value={schedule.kind}
          onChange={(e) => {
            const kind = e.currentTarget.value;
            if (kind === 'every') onChange({ kind: 'every', hours: 24 });
            else if (kind === 'daily') onChange({ kind: 'daily', time: '06:00' });
            else if (kind === 'after-refresh') onChange({ kind: 'after-refresh' });
            else onChange({ kind: 'manual' });
          }}
        >
          <option value="manual">{t('scheduleManual')}</option>
          <option value="every">{t('scheduleEvery')}</option>
          <option value="daily">{t('scheduleDaily')}</option>
          <option value="after-refresh" disabled={!refreshTracked}>
            {t('scheduleAfterRefresh')}
          </option>
        </select>
      </div>
      {!refreshTracked && (
        <p id={hintId} class="hint" role={schedule.kind === 'after-refresh' ? 'alert' : undefined}>
          {t('scheduleAfterRefreshUnavailable')}
        </p>
      )}
      {schedule.kind === 'every' && (
        <label class="field">
          <span>{t('scheduleHours')}</span>
          <input
            type="number"
            min={1}
            max={168}
            value={schedule.hours}
            onInput={(e) => {
              const hours = Math.round(Number(e.currentTarget.value));
              if (hours >= 1 && hours <= 168) onChange({ kind: 'every', hours });
            }}
          />
        </label>
      )}
      {schedule.kind === 'daily' && (
        <label class="field">
          <span>{t('scheduleTime')}</span>
          <input
            type="time"
            value={schedule.time}
            onInput={(e) => {
              if (/^([01]\d|2[0-3]):[0-5]\d$/.test(e.currentTarget.value)) {
                onChange({ kind: 'daily', time: e.currentTarget.value });
              }
            }}
          />
        </label>
      )}
    </fieldset>
  );
}
