/**
 * A real browser for the wall and console tests: Debian's chromium driven by playwright-core, headless, with a
 * fresh profile per launch. There is no fallback: without /usr/bin/chromium the browser tests fail and say so.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Screenshots the test run produces for people to look at; git-ignored. */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'tests', 'artifacts');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches chromium with a throw-away profile at the given viewport (and locale, for date inputs). */
export async function launchBrowser(
  viewport: { width: number; height: number },
  options: { locale?: string } = {},
): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `browser tests need Debian's chromium at ${CHROMIUM_PATH} (apt-get install -y chromium fonts-noto-cjk); it is missing`,
    );
  }
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'vigil-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    // The browser's own language decides how date inputs and file pickers are written.
    args: options.locale !== undefined ? [...CHROMIUM_ARGS, `--lang=${options.locale}`] : CHROMIUM_ARGS,
    headless: true,
    viewport,
    ...(options.locale !== undefined ? { locale: options.locale } : {}),
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Where a screenshot named `name` goes; the folder is created on demand. */
export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, name);
}
