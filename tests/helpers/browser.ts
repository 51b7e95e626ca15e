/**
 * A headless Chromium for the browser tests, found without installing
 * anything: the system's Chromium when the machine has one, otherwise the
 * one @sparticuz/chromium ships inside node_modules (a dev dependency; it
 * unpacks itself into the temporary directory on first use, about 2 s).
 * So `npm test` needs Node and npm only, never apt-get or a download.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/**
 * Flags for a browser that talks to nothing but the test stack: no sandbox
 * (the tests run as root in containers, where the setuid sandbox cannot
 * work), no GPU, no background requests or component updates to Google.
 */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/**
 * The part of @sparticuz/chromium's own recommendations that is safe here. Its
 * `--disable-web-security` and `--allow-running-insecure-content` are left
 * out on purpose: the dashboard test checks the page's Content-Security-Policy,
 * which those would switch off; `--single-process` is a Lambda workaround that
 * makes several browser contexts unstable.
 */
const SPARTICUZ_ARGS = [
  '--no-zygote',
  '--disable-domain-reliability',
  '--no-pings',
  '--disable-print-preview',
  '--font-render-hinting=none',
  '--disable-webgl',
];

/** Which Chromium `launchBrowser` uses: the system's first, else the bundled one. */
export async function browserExecutable(): Promise<{ path: string; source: 'system' | '@sparticuz/chromium' }> {
  const system = SYSTEM_CHROMIUMS.find((p) => existsSync(p));
  if (system) return { path: system, source: 'system' };
  const bundled = (await import('@sparticuz/chromium')).default;
  bundled.setGraphicsMode = false;
  return { path: await bundled.executablePath(), source: '@sparticuz/chromium' };
}

export async function launchBrowser(): Promise<Browser> {
  const { path, source } = await browserExecutable();
  return chromium.launch({
    executablePath: path,
    headless: true,
    args: source === 'system' ? ARGS : [...ARGS, ...SPARTICUZ_ARGS],
    timeout: 60_000,
  });
}
