import type { Schedule } from '../../core/export-definition.ts';
import { t } from '../../ui/i18n.ts';

export function scheduleText(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'manual':
      return t('scheduleManual');
    case 'every':
      return t('scheduleEveryHours', schedule.hours);
    case 'daily':
      return t('scheduleDailyAt', schedule.time);
    case 'after-refresh':
      return t('scheduleAfterRefresh');
  }
}
