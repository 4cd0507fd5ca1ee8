/**
 * A real browser for the wall and console tests: Debian's chromium driven by playwright-core, headless, with a
 * fresh profile per launch. There is no fallback: without /usr/bin/chromium the browser tests fail and say so.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

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
  /**
   * Every Content-Security-Policy violation of the pages and their workers so far (directive and what was
   * blocked): the browser tests assert none, which is how the wall's policy (center/http/security-headers.ts) is
   * known to be tight enough and still work.
   */
  cspViolations(): string[];
  close(): Promise<void>;
}

const CSP_TAG = 'vigil-csp-violation:';

/** Reports each violation seen by a document to its console, where the test collects it. */
function reportCspViolations(tag: string): void {
  document.addEventListener('securitypolicyviolation', (event) => {
    console.error(`${tag} ${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}`);
  });
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
  const violations: string[] = [];
  const collect = (message: ConsoleMessage): void => {
    const text = message.text();
    // The page's own report, or Chromium's (which also covers workers, where the page's listener is not).
    if (text.startsWith(CSP_TAG) || /Content Security Policy/i.test(text)) violations.push(text);
  };
  await context.addInitScript(reportCspViolations, CSP_TAG);
  const watch = (page: Page): void => {
    page.on('console', collect);
    page.on('worker', (worker) => worker.on('console', collect));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    cspViolations: () => [...violations],
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

/** The screenshots the documentation shows. */
export const DOC_SCREENSHOTS_DIR = path.join(REPO_ROOT, 'docs', 'screenshots');

/**
 * Where a screenshot the documentation shows goes: `docs/screenshots/` when `VIGIL_DOC_SCREENSHOTS=1` (a run meant to
 * refresh the pictures), else `tests/artifacts/`, so that an ordinary test run leaves the committed pictures as they
 * are instead of rewriting them with the run's clock and data.
 */
export function docScreenshotPath(name: string): string {
  if (!refreshingPictures()) return artifactPath(name);
  mkdirSync(DOC_SCREENSHOTS_DIR, { recursive: true });
  return path.join(DOC_SCREENSHOTS_DIR, name);
}

/** Whether this run refreshes the pictures people look at (`VIGIL_DOC_SCREENSHOTS=1`). */
export function refreshingPictures(): boolean {
  return process.env.VIGIL_DOC_SCREENSHOTS === '1';
}

/**
 * The sizes a page is photographed at when nothing is asserted about the picture: 1920×1080 always, 3840×2160 as
 * well in a run that refreshes the pictures. A resize to 3840×2160 only to be photographed costs a frame drawn in
 * software at four times the pixels (the map's GPU process 0.9 CPU-s) and another on the way back; the cases that
 * check a layout at 3840×2160 resize for their assertions, not through this.
 */
export function pictureSizes(): { width: number; height: number }[] {
  return refreshingPictures()
    ? [
        { width: 1920, height: 1080 },
        { width: 3840, height: 2160 },
      ]
    : [{ width: 1920, height: 1080 }];
}

/**
 * The page at the sizes of `pictureSizes` (`<name>-1920x1080.png`, and `-3840x2160.png` in a run that refreshes the
 * pictures) in `tests/artifacts/`, back at 1920×1080. Resizes only where the page is not at the size already.
 */
export async function shootAtPictureSizes(
  page: Page,
  name: string,
  options: {
    /** Where a shot named so goes: `artifactPath` unless said. */
    where?: (file: string) => string;
    /** Run after each resize, before the shot: e.g. scroll back to what is photographed, which a resize moves. */
    frame?: () => Promise<void>;
  } = {},
): Promise<void> {
  const where = options.where ?? artifactPath;
  const isWall = await page.evaluate(() => '__vigilWall' in window);
  for (const size of pictureSizes()) {
    const current = page.viewportSize();
    const resized = current?.width !== size.width || current?.height !== size.height;
    // A wall's map draws after the resize; a console page is laid out by the time the size is set.
    if (resized && isWall) await resizeWall(page, size);
    else if (resized) await page.setViewportSize(size);
    await options.frame?.();
    await page.screenshot({ path: where(`${name}-${size.width}x${size.height}.png`) });
  }
  const last = page.viewportSize();
  if (last?.width !== 1920 || last?.height !== 1080) await page.setViewportSize({ width: 1920, height: 1080 });
}

/** `shootAtPictureSizes` into the documentation's folder (`docScreenshotPath`). */
export async function shootForDocs(page: Page, name: string, frame?: () => Promise<void>): Promise<void> {
  await shootAtPictureSizes(page, name, { where: docScreenshotPath, ...(frame !== undefined ? { frame } : {}) });
}

/**
 * Resizes a wall page and waits until it has laid itself out at the new size and its map has drawn twice since —
 * instead of a pause long enough on a fast machine and too short on a loaded one. Once is not enough: the first
 * frame after a resize can still be of a canvas whose buffer is being resized, drawn in part.
 */
export async function resizeWall(page: Page, viewport: { width: number; height: number }): Promise<void> {
  /** The part of the wall's test hooks (wall/src/app/test-hooks.ts) this reads, in the page's window. */
  type Hooks = { __vigilWall?: { timings(): { mapRenders: number } } };
  const rendersBefore = await page.evaluate(() => (window as Hooks).__vigilWall?.timings().mapRenders ?? 0);
  await page.setViewportSize(viewport);
  await page.waitForFunction(
    ([width, height, renders]) =>
      window.innerWidth === width &&
      window.innerHeight === height &&
      ((window as Hooks).__vigilWall?.timings().mapRenders ?? 0) > renders + 1,
    [viewport.width, viewport.height, rendersBefore] as const,
    { timeout: 30_000 },
  );
}
