import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };

/**
 * One source, two builds. crxjs writes one form of `background` per build, so Firefox is a second
 * build (`TARGET=firefox`) with event-page scripts and its gecko settings.
 */
const firefox = process.env.TARGET === 'firefox';

function firefoxManifest(): ManifestV3Export {
  const { background, ...rest } = manifest;
  return {
    ...rest,
    background: { scripts: [background.service_worker], type: 'module' },
    browser_specific_settings: {
      gecko: {
        id: 'segment-export@omnisend-tools.example',
        strict_min_version: '140.0',
        // Contact data leaves the browser only for the user's own Omnisend account.
        data_collection_permissions: { required: ['personallyIdentifyingInfo'] },
      },
      // The data collection key above arrived in Firefox for Android 142.
      gecko_android: { strict_min_version: '142.0' },
    },
  } as ManifestV3Export;
}

export default defineConfig({
  plugins: [
    preact(),
    crx({
      manifest: firefox ? firefoxManifest() : (manifest as ManifestV3Export),
      browser: firefox ? 'firefox' : 'chrome',
      contentScripts: { standaloneFiles: ['src/content/index.ts'] },
    }),
  ],
  build: {
    outDir: firefox ? 'dist-firefox' : 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: { cors: { origin: [/chrome-extension:\/\//] } },
});
