// Client of the sandbox's Customer Insights web app: renders the route from location and follows
// in-app links with history.pushState, like the real single-page app.
const data = JSON.parse(document.getElementById('ci-data').textContent);
const root = document.getElementById('root');
const sideNav = document.getElementById('side-nav');
const APP_TITLE = 'Customer Insights';
let renderTimer;

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function link(href, text) {
  return el('a', { href }, text);
}

function findEnvironment(id) {
  return data.environments.find((environment) => environment.id === id.toLowerCase());
}

function findSegment(environment, name) {
  return environment.segments.find((segment) => segment.name.toLowerCase() === name.toLowerCase());
}

function parseRoute(location) {
  const parts = location.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(location.search);
  if (parts.length === 0) return { kind: 'root' };
  // A second shape, which names the environment and the segment in query values only.
  if (parts.join('/') === 'app/segments/detail') {
    const environment = findEnvironment(query.get('ci') ?? '');
    const name = query.get('segment');
    if (!environment || !name) return { kind: 'not-found' };
    return {
      kind: 'segment',
      environment,
      segment: findSegment(environment, name),
      name,
      tab: query.get('tab'),
    };
  }
  if (parts[0] !== 'app' || !parts[1]) return { kind: 'not-found' };
  const environment = findEnvironment(parts[1]);
  if (!environment) return { kind: 'no-environment' };
  const section = parts[2] ?? 'home';
  if (section === 'home' && parts.length <= 3) return { kind: 'environment-home', environment };
  if (section === 'measures' && parts.length === 3) return { kind: 'measures', environment };
  if (section === 'segments') {
    const name = parts[3] ?? query.get('segmentName');
    if (!name) return { kind: 'segment-list', environment };
    if (parts.length > 4) return { kind: 'not-found' };
    return {
      kind: 'segment',
      environment,
      segment: findSegment(environment, name),
      name,
      tab: query.get('tab'),
    };
  }
  return { kind: 'not-found' };
}

function appBase(environment) {
  return `/app/${environment.id}`;
}

function segmentHref(environment, segment) {
  return `${appBase(environment)}/segments/${encodeURIComponent(segment.name)}`;
}

function breadcrumb(items) {
  const list = el('ol');
  items.forEach((item, index) => {
    const last = index === items.length - 1;
    list.append(
      last ? el('li', { 'aria-current': 'page' }, item.text) : el('li', {}, link(item.href, item.text)),
    );
  });
  return el('nav', { 'aria-label': 'Breadcrumb' }, list);
}

function renderSideNav(environment) {
  sideNav.replaceChildren();
  if (!environment) {
    sideNav.append(link('/', 'Home'));
    return;
  }
  const base = appBase(environment);
  sideNav.append(
    el('div', {}, link(`${base}/home`, 'Home')),
    el('div', {}, link(`${base}/segments`, 'Segments')),
    el('div', {}, link(`${base}/measures`, 'Measures')),
  );
}

function renderRoot() {
  document.title = APP_TITLE;
  const list = el('ul');
  for (const environment of data.environments) {
    list.append(el('li', {}, link(`${appBase(environment)}/home`, environment.displayName)));
  }
  root.replaceChildren(el('h1', {}, 'Welcome to Customer Insights'), el('h2', {}, 'Environments'), list);
}

function renderEnvironmentHome(environment) {
  document.title = `Home - ${APP_TITLE}`;
  root.replaceChildren(
    el('h1', {}, 'Home'),
    el('p', {}, `Environment: ${environment.displayName}`),
    el('p', {}, `Environment ID: ${environment.id}`),
  );
}

function renderMeasures(environment) {
  document.title = `Measures - ${APP_TITLE}`;
  root.replaceChildren(
    breadcrumb([{ text: 'Measures' }]),
    el('h1', {}, 'Measures'),
    el('p', {}, `No measures in ${environment.displayName}.`),
  );
}

function renderSegmentList(environment) {
  document.title = `Segments - ${APP_TITLE}`;
  const body = el('tbody');
  for (const segment of environment.segments) {
    body.append(
      el(
        'tr',
        {},
        el('td', {}, link(segmentHref(environment, segment), segment.displayName)),
        el('td', {}, segment.name),
        el('td', {}, segment.size.toLocaleString('en-US')),
      ),
    );
  }
  const head = el(
    'thead',
    {},
    el('tr', {}, el('th', {}, 'Name'), el('th', {}, 'Output name'), el('th', {}, 'Members')),
  );
  root.replaceChildren(
    breadcrumb([{ text: 'Segments' }]),
    el('h1', {}, 'Segments'),
    el('table', {}, head, body),
  );
}

function renderSegment(environment, segment, tab) {
  document.title = `${segment.displayName} - Segments - ${APP_TITLE}`;
  const href = segmentHref(environment, segment);
  const tabs = el(
    'div',
    { role: 'navigation', 'aria-label': 'Segment tabs' },
    link(`${href}?tab=overview`, 'Overview'),
    ' | ',
    link(`${href}?tab=members`, 'Members'),
  );
  const details = el(
    'dl',
    {},
    el('dt', {}, 'Output name'),
    el('dd', {}, segment.name),
    el('dt', {}, 'Members'),
    el('dd', {}, segment.size.toLocaleString('en-US')),
    el('dt', {}, 'Last refreshed'),
    el('dd', {}, segment.lastRefreshed),
  );
  const others = el('ul');
  for (const other of environment.segments) {
    if (other !== segment)
      others.append(el('li', {}, link(segmentHref(environment, other), other.displayName)));
  }
  root.replaceChildren(
    breadcrumb([
      { text: 'Segments', href: `${appBase(environment)}/segments` },
      { text: segment.displayName },
    ]),
    el('h1', {}, segment.displayName),
    tabs,
    tab === 'members' ? el('p', {}, 'Members preview is not available in the sandbox.') : details,
    el('h2', {}, 'Other segments'),
    others,
  );
}

function renderMessage(title, text) {
  document.title = `${title} - ${APP_TITLE}`;
  root.replaceChildren(el('h1', {}, title), el('p', {}, text));
}

function render() {
  const route = parseRoute(window.location);
  renderSideNav(route.environment);
  switch (route.kind) {
    case 'root':
      return renderRoot();
    case 'environment-home':
      return renderEnvironmentHome(route.environment);
    case 'measures':
      return renderMeasures(route.environment);
    case 'segment-list':
      return renderSegmentList(route.environment);
    case 'segment':
      if (route.segment) return renderSegment(route.environment, route.segment, route.tab);
      return renderMessage('Segment not found', `There is no segment named ${route.name}.`);
    case 'no-environment':
      return renderMessage('Environment not found', 'You do not have access to this environment.');
    default:
      return renderMessage('Page not found', 'This page does not exist.');
  }
}

// A SPA that fetches before it paints: the old content disappears first, the new one arrives later.
function scheduleRender() {
  clearTimeout(renderTimer);
  if (data.renderDelayMs <= 0) {
    render();
    return;
  }
  document.title = APP_TITLE;
  root.replaceChildren(el('p', { role: 'status' }, 'Loading…'));
  renderTimer = setTimeout(render, data.renderDelayMs);
}

document.addEventListener('click', (event) => {
  const anchor = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!anchor || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const target = new URL(anchor.href);
  if (target.origin !== window.location.origin) return;
  event.preventDefault();
  history.pushState(null, '', target.pathname + target.search + target.hash);
  scheduleRender();
});

window.addEventListener('popstate', scheduleRender);
scheduleRender();
