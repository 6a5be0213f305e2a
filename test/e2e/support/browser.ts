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
  });
  afterAll(async () => {
    await browser?.close();
    await ui.sim?.stop();
  });
  return ui;
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
    const alert = await shown();
    await pager.getByRole('button', { name: 'Acknowledge' }).click();
    answered.push(alert);
    // Either everything is answered, or the pager now rings for the next alert in its queue.
    await expect.poll(async () => (await acknowledged.isVisible()) || (await shown()) !== alert, { timeout: 10_000 }).toBe(true);
    if (await acknowledged.isVisible()) return answered;
  }
  throw new Error(`the pager still rings after acknowledging ${answered.join(', ')}`);
}
