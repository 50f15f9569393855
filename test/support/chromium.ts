import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// Debian's wrapper script /usr/bin/chromium prints a harmless shell error; the binary is quieter.
const CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];
const LANGUAGE_PACK = '/usr/lib/chromium/locales/tr.pak';

function found(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((path) => existsSync(path));
}

function install() {
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    throw new Error(
      'Chromium is missing. Install it with `sudo apt-get install -y chromium chromium-l10n` ' +
        '(or set CHROMIUM_PATH to a Chromium binary), then run the command again.',
    );
  }
  console.info('Chromium is missing: installing Debian’s chromium and chromium-l10n packages…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium', 'chromium-l10n'], { stdio: 'inherit', env });
}

/**
 * The path of a Chromium that loads unpacked extensions (Debian's package; Playwright's own
 * downloads are out of reach here). Installs Debian's package, with the Turkish language pack
 * the locale tests need, when it is missing and we may.
 */
export function ensureChromium(): string {
  let path = found();
  if (!path || (path.startsWith('/usr/lib/chromium') && !existsSync(LANGUAGE_PACK))) {
    install();
    path = found();
  }
  if (!path) throw new Error('Chromium could not be installed.');
  return path;
}
