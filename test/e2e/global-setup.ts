import { buildExtension } from '../support/build-extension.ts';
import { ensureChromium } from '../support/chromium.ts';

// Build once for the whole e2e run; every test loads this same production dist/.
export default async function setup() {
  ensureChromium();
  await buildExtension();
}
