import type { ProblemExample, ProblemGroup } from '../core/problem-tally.ts';
import { t } from './i18n.ts';
import { reasonText } from './reason-text.ts';

interface Props {
  /** The accessible name of the table, e.g. "Contacts not sent". */
  label: string;
  groups: readonly ProblemGroup[];
}

/** Problems grouped by reason and field, with their counts and a few examples each. */
export function ProblemGroups({ label, groups }: Props) {
  if (groups.length === 0) return null;
  return (
    <table class="table" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">{t('problemReason')}</th>
          <th scope="col">{t('problemField')}</th>
          <th scope="col">{t('problemCount')}</th>
          <th scope="col">{t('problemExamples')}</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((group) => (
          <tr key={`${group.kind}-${group.field}-${group.reason}`}>
            <th scope="row">{reasonText(group.reason)}</th>
            <td data-label={t('problemField')}>{group.field || '—'}</td>
            <td data-label={t('problemCount')}>{group.count.toLocaleString()}</td>
            <td data-label={t('problemExamples')}>
              <ul class="compact">
                {group.examples.map((example) => (
                  <li key={example.position}>{exampleText(example)}</li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function exampleText(example: ProblemExample): string {
  const shown = example.value ?? example.email;
  return shown ? t('problemExample', example.position, shown) : t('problemExampleBlank', example.position);
}
