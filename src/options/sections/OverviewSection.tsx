import { useEffect } from 'preact/hooks';
import { ActiveRuns } from '../../ui/ActiveRuns.tsx';
import { AttentionList } from '../../ui/AttentionList.tsx';
import { type MessageKey, t } from '../../ui/i18n.ts';
import { useLiveRevision } from '../../ui/live-runs.ts';
import { useStatus } from '../../ui/status-context.ts';
import { useAsync } from '../../ui/use-async.ts';
import { ask } from '../../ui/worker.ts';
import type { Section } from '../navigation.ts';

interface Step {
  title: MessageKey;
  body: MessageKey;
  done: boolean;
  section: Section;
}

/**
 * The first screen: what needs attention, the three steps to a first export (connect Omnisend, add
 * a source, add an export) each marked done or to do and linking to its section, and the runs
 * going on now.
 */
export function OverviewSection() {
  const { status, refresh } = useStatus();
  const revision = useLiveRevision();
  // The counts behind the steps change in other sections and tabs: read them again on each visit.
  useEffect(refresh, []);
  const connections = useAsync(() => ask('connections.list', {}), [revision]);
  const attention = useAsync(() => ask('attention.list', {}), [revision]);
  if (status.state !== 'ready' || connections.state !== 'ready') return null;
  const { counts, role } = status.value;
  const steps: Step[] = [
    {
      title: 'guideConnectTitle',
      body: role === 'administrator' ? 'guideConnectBody' : 'guideConnectBodyContributor',
      done: connections.value.connections.length > 0,
      section: 'connections',
    },
    { title: 'guideSourceTitle', body: 'guideSourceBody', done: counts.sources > 0, section: 'sources' },
    { title: 'guideExportTitle', body: 'guideExportBody', done: counts.exports > 0, section: 'exports' },
  ];
  const allDone = steps.every((s) => s.done);
  return (
    <>
      {attention.state === 'ready' && (
        <AttentionList
          items={attention.value.items}
          headingLevel={3}
          onOpen={(place) => {
            location.hash = place;
          }}
        />
      )}
      <section aria-labelledby="guide-title" class="guide">
        <h3 id="guide-title">{t(allDone ? 'guideAllDone' : 'guideTitle')}</h3>
        <ol class="steps">
          {steps.map((step) => (
            <li key={step.section} class={step.done ? 'step step--done' : 'step'}>
              <p class="step__state">{t(step.done ? 'guideStepDone' : 'guideStepToDo')}</p>
              <h4>
                <a href={`#${step.section}`}>{t(step.title)}</a>
              </h4>
              <p>{t(step.body)}</p>
            </li>
          ))}
        </ol>
      </section>
      <ActiveRuns />
    </>
  );
}
