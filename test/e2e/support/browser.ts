/** Headless Debian Chromium through playwright-core (never a browser download). */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot, startSimulator, type ServedSimulator } from './served-simulator';

export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);

/** Where browser tests leave their screenshots. */
export const artifacts = join(repoRoot, 'test-results');

/** A browser test: skipped without Chromium on a developer's machine, never in CI (which installs it). */
export const runInBrowser = hasChromium || process.env.CI === 'true' ? it : it.skip;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface TrainerPage {
  sim: ServedSimulator;
  page: Page;
  /** The page's console errors and uncaught exceptions so far. */
  consoleErrors: string[];
  /** Its uncaught exceptions alone. */
  pageErrors: string[];
}

/**
 * Registers the suite's set-up and tear-down: a `gameday serve` (virtual clock, seed 21 unless
 * told) and one Chromium page (1366×900 unless told) that collects console errors. The fields are filled
 * once `beforeAll` has run.
 */
export function trainerPage(args: string[] = ['--clock', 'virtual', '--seed', '21'], { viewport = { width: 1366, height: 900 } } = {}): TrainerPage {
  const ui = { consoleErrors: [] as string[], pageErrors: [] as string[] } as TrainerPage;
  let browser: Browser | undefined;
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    ui.sim = await startSimulator(args);
    if (!hasChromium) return;
    browser = await launchChromium();
    ui.page = await browser.newPage({ viewport });
    ui.page.on('console', (message) => {
      if (message.type() === 'error') ui.consoleErrors.push(message.text());
    });
    ui.page.on('pageerror', (error) => {
      ui.consoleErrors.push(String(error));
      ui.pageErrors.push(String(error));
    });
    // Said as it happens, so a test that times out waiting for the page leaves its why in the log.
    const note = (line: string) => process.stderr.write(`browser: ${line}\n`);
    ui.page.on('console', (message) => {
      if (message.type() === 'error') note(`console: ${message.text()}`);
    });
    ui.page.on('pageerror', (error) => note(`page error: ${String(error)}`));
    ui.page.on('response', (response) => {
      if (response.status() >= 500) note(`${response.status()} ${response.request().method()} ${response.url()}`);
    });
    ui.page.on('websocket', (socket) => socket.on('close', () => note(`websocket closed: ${socket.url()}`)));
    watchLiveView(ui.page);
  });
  afterAll(async () => {
    await browser?.close();
    await ui.sim?.stop();
  });
  return ui;
}

/** What a page has heard of the live view: its socket.io connections and the views pushed over them. */
interface LiveViewLog {
  opened: number;
  closed: number;
  views: number;
  lastViewAt: number | null;
}
const liveViews = new WeakMap<Page, LiveViewLog>();

/** Counts the page's socket.io connections and the views they carry, for `liveViewReport`. */
export function watchLiveView(page: Page): void {
  const log: LiveViewLog = { opened: 0, closed: 0, views: 0, lastViewAt: null };
  liveViews.set(page, log);
  page.on('websocket', (socket) => {
    if (!socket.url().includes('/socket.io/')) return;
    log.opened += 1;
    socket.on('close', () => (log.closed += 1));
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string' && payload.startsWith('42["view"')) {
        log.views += 1;
        log.lastViewAt = Date.now();
      }
    });
  });
}

/** Said when a wait on the live view times out: whether views were still arriving, and what the page says about its connection. */
export async function liveViewReport(page: Page): Promise<string> {
  const log = liveViews.get(page);
  const status = (await page.getByRole('status').allTextContents().catch(() => [])).filter((text) => text.trim() !== '');
  const heard = log ? `${log.views} views over ${log.opened} socket.io connections (${log.closed} closed), the last ${log.lastViewAt === null ? 'never' : `${Date.now() - log.lastViewAt} ms ago`}` : 'not watched';
  return `live view: ${heard}; the page's status lines: ${status.length > 0 ? status.map((text) => JSON.stringify(text)).join(', ') : 'none'}`;
}

/** Waits for `locator` to show; a timeout says what the live view was doing meanwhile and what the region in `around` showed. */
export async function untilShown(locator: Locator, what: string, { timeout = 30_000, around }: { timeout?: number; around?: Locator } = {}): Promise<void> {
  try {
    await locator.waitFor({ timeout });
  } catch (error) {
    const shown = around ? ` It showed: ${JSON.stringify(((await around.textContent().catch(() => null)) ?? '').slice(0, 300))}.` : '';
    throw new Error(`${what} did not show within ${timeout} ms.${shown} ${await liveViewReport(locator.page())}`, { cause: error });
  }
}

/** Declare resolved, and yes when the page asks once more: how a drill is ended from the UI. */
export async function declareResolved(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Declare resolved', exact: true }).click();
  await page.getByRole('group', { name: 'Confirm the resolution' }).getByRole('button', { name: 'Yes, declare resolved' }).click();
}

/**
 * Answers the pager as a responder would: Acknowledge, and again while it still rings for another
 * alert (a platform warning that rang unanswered before the page is shown first when it is as
 * urgent), until what it shows is acknowledged. Returns the alerts acknowledged, in order.
 */
export async function answerThePager(pager: Locator): Promise<string[]> {
  const shown = async () => (await pager.locator('strong').first().textContent()) ?? '';
  const acknowledged = pager.getByText(/^Acknowledged at /);
  const answered: string[] = [];
  for (let presses = 0; presses < 4; presses++) {
    const button = pager.getByRole('button', { name: 'Acknowledge' });
    await untilShown(button, 'The pager\'s Acknowledge button', { around: pager });
    const alert = await shown();
    await button.click();
    answered.push(alert);
    // Either everything is answered, or the pager now rings for the next alert in its queue.
    try {
      await expect.poll(async () => (await acknowledged.isVisible()) || (await shown()) !== alert, { timeout: 10_000 }).toBe(true);
    } catch (error) {
      throw new Error(`After Acknowledge on ${alert}, the pager neither said "Acknowledged at" nor moved on within 10 s. It showed: ${JSON.stringify(((await pager.textContent()) ?? '').slice(0, 300))}. ${await liveViewReport(pager.page())}`, { cause: error });
    }
    if (await acknowledged.isVisible()) return answered;
  }
  throw new Error(`the pager still rings after acknowledging ${answered.join(', ')}`);
}
