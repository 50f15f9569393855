import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { t } from '../ui/i18n.ts';
import { StatusContext } from '../ui/status-context.ts';
import { useAsync } from '../ui/use-async.ts';
import { ask } from '../ui/worker.ts';
import { type Section, sectionFromHash, sectionLabels, sections } from './navigation.ts';
import { ConnectionsSection } from './sections/ConnectionsSection.tsx';
import { ExportsSection } from './sections/ExportsSection.tsx';
import { HistorySection } from './sections/HistorySection.tsx';
import { OverviewSection } from './sections/OverviewSection.tsx';
import { SettingsSection } from './sections/SettingsSection.tsx';
import { SourcesSection } from './sections/SourcesSection.tsx';

function useSection(): Section {
  const [section, setSection] = useState(() => sectionFromHash(location.hash));
  useEffect(() => {
    const follow = () => setSection(sectionFromHash(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return section;
}

export function App() {
  const section = useSection();
  // Moving to a section moves focus to its heading, so keyboard and screen reader users land there.
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else heading.current?.focus();
  }, [section]);
  const [statusVersion, setStatusVersion] = useState(0);
  const status = useAsync(() => ask('status', {}), [statusVersion]);
  const handle = useMemo(() => ({ status, refresh: () => setStatusVersion((v) => v + 1) }), [status]);
  return (
    <StatusContext.Provider value={handle}>
      <div class="options">
        <header class="options__header">
          <img src="/icons/icon-48.png" alt="" width={32} height={32} />
          <h1>{t('extName')}</h1>
        </header>
        <nav aria-label={t('navLabel')} class="options__nav">
          <ul>
            {sections.map((name) => (
              <li key={name}>
                <a href={`#${name}`} aria-current={name === section ? 'page' : undefined}>
                  {t(sectionLabels[name])}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main class="options__main" aria-labelledby="section-heading">
          <h2 id="section-heading" tabIndex={-1} ref={heading}>
            {t(sectionLabels[section])}
          </h2>
          {status.state === 'failed' && <ErrorMessage error={status.error} />}
          {section === 'overview' && <OverviewSection />}
          {section === 'connections' && <ConnectionsSection />}
          {section === 'exports' && <ExportsSection />}
          {section === 'sources' && <SourcesSection />}
          {section === 'history' && <HistorySection />}
          {section === 'settings' && <SettingsSection />}
        </main>
      </div>
    </StatusContext.Provider>
  );
}
