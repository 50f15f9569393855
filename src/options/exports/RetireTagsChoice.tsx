import type { SyncMode } from '../../core/export-definition.ts';
import { t } from '../../ui/i18n.ts';
import { RadioGroup } from '../../ui/RadioGroup.tsx';

export type RetireChoice = 'remove' | 'keep';

/**
 * What the user first sees chosen for tags an export stops using: a Mirror export promised that
 * its tags follow the segments, so they go; an Add only export promised never to take a tag
 * away, so they stay unless the user says otherwise.
 */
export const defaultRetireChoice = (mode: SyncMode): RetireChoice => (mode === 'mirror' ? 'remove' : 'keep');

/** Whether to take tags back from the contacts this extension gave them to, or leave them. */
export function RetireTagsChoice({
  value,
  onChange,
}: {
  value: RetireChoice;
  onChange: (v: RetireChoice) => void;
}) {
  return (
    <RadioGroup
      legend={t('retireLegend')}
      name="retire-tags"
      value={value}
      onChange={onChange}
      options={[
        { value: 'remove', label: t('retireRemove'), help: t('retireRemoveHelp') },
        { value: 'keep', label: t('retireKeep'), help: t('retireKeepHelp') },
      ]}
    />
  );
}
