import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendText } from './http-helpers.ts';
import type { EnvironmentState } from './sandbox-state.ts';

// The page script lives in a real .js file so that it is readable and served as a separate resource,
// like the real single-page app's bundle.
const CLIENT_SCRIPT = readFileSync(new URL('./web-app-client.js', import.meta.url), 'utf8');

export interface WebAppSettings {
  /** Delay before the client renders a route, to imitate a SPA that fetches before it paints. */
  renderDelayMs: number;
}

/**
 * The Customer Insights web app at home.ci.ai.dynamics.com. The real route shape is unpublished
 * (customer-insights.md §3); the sandbox uses
 *   /                                          home (no environment)
 *   /app/<environmentGuid>/home                environment home
 *   /app/<environmentGuid>/segments            segment list
 *   /app/<environmentGuid>/segments/<name>     segment page (optional ?tab=overview|members)
 *   /app/<environmentGuid>/segments?segmentName=<name>   query variant of the segment page
 *   /app/segments/detail?ci=<environmentGuid>&segment=<name>   a shape with both in query values
 *   /app/<environmentGuid>/measures            another non-segment page
 * Every path answers with the same shell; the client renders the route and follows in-app links
 * with history.pushState, so moving between segments loads no page.
 */
export function handleWebApp(
  req: IncomingMessage,
  res: ServerResponse,
  environments: EnvironmentState[],
  settings: WebAppSettings,
): void {
  const url = new URL(req.url ?? '/', 'https://home.ci.ai.dynamics.com');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'text/plain; charset=utf-8', 'Method not allowed', { allow: 'GET, HEAD' });
    return;
  }
  if (url.pathname === '/static/app.js') {
    sendText(res, 200, 'text/javascript; charset=utf-8', CLIENT_SCRIPT);
    return;
  }
  if (url.pathname === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
  sendText(res, 200, 'text/html; charset=utf-8', shell(environments, settings));
}

function shell(environments: EnvironmentState[], settings: WebAppSettings): string {
  const data = {
    renderDelayMs: settings.renderDelayMs,
    environments: environments.map((environment) => ({
      id: environment.id,
      displayName: environment.displayName,
      segments: environment.segments.map((segment) => ({
        name: segment.name,
        displayName: segment.displayName,
        description: segment.description,
        size: segment.size,
        lastRefreshed: segment.lastRefreshed.toISOString(),
      })),
    })),
  };
  // `<` escaped so that no display name can close the script element.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Customer Insights</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0; }
header { background: #002050; color: #fff; padding: 8px 16px; }
main { display: flex; }
aside { width: 180px; padding: 16px; border-right: 1px solid #ddd; }
#root { padding: 16px; flex: 1; }
nav[aria-label="Breadcrumb"] ol { list-style: none; display: flex; gap: 6px; padding: 0; margin: 0 0 8px; }
nav[aria-label="Breadcrumb"] li + li::before { content: '\\203A'; margin-right: 6px; }
</style>
</head>
<body>
<header><span class="app-name">Dynamics 365 Customer Insights - Data</span></header>
<main>
<aside id="side-nav" aria-label="Navigation"></aside>
<div id="root"></div>
</main>
<script id="ci-data" type="application/json">${json}</script>
<script src="/static/app.js"></script>
</body>
</html>
`;
}
