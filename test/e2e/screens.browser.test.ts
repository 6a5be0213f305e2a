/**
 * Issue 16, items 6, 8 and 10 in a real browser (headless Chromium): the lobby, the drill page
 * and the debrief at 390, 768 and 1440 px wide, each with no sideways scroll, the terminal and the
 * charts inside their boxes, and no serious or critical axe-core violation; the pager in view
 * when a drill starts on a phone; the terminal beside the runbook at 1440 wide enough for
 * `kubectl get pods` rows; the cause the simulation knew shown nowhere while the drill runs and
 * in the post-mortem preview once it is over. Screenshots of each page at each width go to
 * test-results/; GAMEDAY_README_SCREENSHOTS=1 also writes the README's two (docs/images/).
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import type { DrillState } from '@gameday/simulator';
import { findScenario } from '@gameday/scenarios';
import { answerThePager, declareResolved, runInBrowser, trainerPage, untilShown } from './support/browser';
import { repoRoot } from './support/served-simulator';
import { runbookBlocks } from './support/runbook-blocks';

const artifacts = join(repoRoot, 'test-results', 'screens');
const readmeImages = process.env.GAMEDAY_README_SCREENSHOTS === '1' ? join(repoRoot, 'docs', 'images') : null;
const widths = [390, 768, 1440] as const;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const cause = findScenario('rollback-storm')!.spec!.cause;

const ui = trainerPage(['--clock', 'virtual', '--seed', '21'], { viewport: { width: 1440, height: 900 } });
beforeAll(() => {
  mkdirSync(artifacts, { recursive: true });
  if (readmeImages) mkdirSync(readmeImages, { recursive: true });
});

interface Fit {
  scrollWidth: number;
  innerWidth: number;
  /** Boxes wider than their panel: xterm's screen and each chart's canvas; and what reaches past the window's right edge. */
  overflowing: string[];
}

/** Whether the page scrolls sideways, and whether the terminal and the charts fit their boxes. */
const measure = (): Promise<Fit> =>
  ui.page.evaluate(() => {
    const overflowing: string[] = [];
    const inside = (child: Element | null, box: Element | null, name: string) => {
      if (!child || !box) return;
      const outer = box.getBoundingClientRect();
      const inner = child.getBoundingClientRect();
      if (inner.left < outer.left - 1 || inner.right > outer.right + 1) overflowing.push(`${name}: ${Math.round(inner.width)} px in ${Math.round(outer.width)} px`);
    };
    inside(document.querySelector('.xterm-screen'), document.querySelector('.xterm-host'), 'terminal');
    document.querySelectorAll('.chart').forEach((chart, index) => inside(chart.querySelector('canvas'), chart, `chart ${index + 1}`));
    // What sticks out of the page (not out of a box that scrolls or clips it), to say where a sideways scroll comes from.
    const clipped = (element: Element) => {
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) if (getComputedStyle(parent).overflowX !== 'visible') return true;
      return false;
    };
    for (const element of document.querySelectorAll('body *')) {
      if (overflowing.length >= 5) break;
      if (element.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(element)) overflowing.push(`${element.tagName.toLowerCase()}.${element.className}: right edge at ${Math.round(element.getBoundingClientRect().right)} px`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, overflowing };
  });

/** axe-core's serious and critical violations on the page as it is. */
async function accessibilityViolations(): Promise<string[]> {
  if (!(await ui.page.evaluate(() => 'axe' in window))) await ui.page.addScriptTag({ content: axeSource });
  return ui.page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
}

/** At each width: no sideways scroll, everything in its box, nothing serious for axe, and a screenshot. */
async function checkEveryWidth(name: string, ready: () => Promise<unknown>): Promise<void> {
  for (const width of widths) {
    await ui.page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await ready();
    // The resize observers (terminal, charts) answer within a frame or two; give layout a moment.
    await expect.poll(measure, { timeout: 5000 }).toEqual({ scrollWidth: width, innerWidth: width, overflowing: [] });
    expect(await accessibilityViolations(), `${name} at ${width} px`).toEqual([]);
    // From the top: a ringing pager is sticky, and a full-page shot taken scrolled would show it mid-page.
    await ui.page.evaluate(() => window.scrollTo(0, 0));
    await ui.page.screenshot({ path: join(artifacts, `${name}-${width}.png`), fullPage: true });
  }
}

/** What the page says, all of it (hidden sections included), for the cause check. */
const pageText = () => ui.page.evaluate(() => document.body.textContent ?? '');

async function typeInTerminal(line: string): Promise<string> {
  const output = ui.page.getByTestId('terminal-output');
  const runs = Number(await output.getAttribute('data-runs'));
  await ui.page.getByRole('region', { name: "Terminal: type the runbook's commands" }).click();
  await ui.page.keyboard.type(line);
  await ui.page.keyboard.press('Enter');
  await expect.poll(async () => Number(await output.getAttribute('data-runs')), { timeout: 20_000 }).toBe(runs + 1);
  return (await output.textContent()) ?? '';
}

describe('every screen at 390, 768 and 1440 px', () => {
  runInBrowser('the lobby', async () => {
    await ui.page.goto(`${ui.sim.url}/#token=${encodeURIComponent(ui.sim.adminToken)}`);
    await checkEveryWidth('lobby', () => ui.page.getByRole('button', { name: 'Practice Cascading rollback storm' }).waitFor());
  });

  runInBrowser('starting a drill on a phone keeps the pager in view, and it stays in view while it rings', async () => {
    await ui.page.setViewportSize({ width: 390, height: 844 });
    await ui.page.getByLabel('Your name').fill('Grace');
    // Started from the bottom of the lobby, as a phone's user would after scrolling to the button.
    const start = ui.page.getByRole('button', { name: 'Practice Cascading rollback storm' });
    await start.scrollIntoViewIfNeeded();
    await start.click();
    const pager = ui.page.getByRole('region', { name: 'Pager' });
    await pager.getByText('No page').waitFor();
    // The drill bar names what was chosen to practise.
    expect(await ui.page.getByRole('toolbar', { name: 'Drill' }).textContent()).toContain('Grace · normal · INC-SPEC-001 Cascading rollback storm');
    await expect.poll(() => pager.evaluate((element) => element.getBoundingClientRect().top >= 0 && element.getBoundingClientRect().bottom <= window.innerHeight)).toBe(true);
    for (let minute = 0; minute < 40; minute++) {
      const state = await ui.sim.control<DrillState>('POST', '/_sim/clock/advance', { ms: 60_000 });
      if (state.paging.length > 0) break;
    }
    await untilShown(pager.getByRole('button', { name: 'Acknowledge' }), 'The ringing pager', { around: pager });
    // Scrolled down to the terminal, the ringing pager is still on screen (sticky at the top).
    await ui.page.getByRole('region', { name: 'Terminal', exact: true }).scrollIntoViewIfNeeded();
    const box = await pager.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeLessThan(10);
    await ui.page.screenshot({ path: join(artifacts, 'drill-390-scrolled-ringing.png') });
  });

  runInBrowser('the drill page: pager, charts, terminal, runbook, comms and timeline', async () => {
    await checkEveryWidth('drill', () => ui.page.getByRole('region', { name: 'Runbook', exact: true }).locator('details[open]').first().waitFor());
    expect(await pageText()).not.toContain(cause.description);
  });

  runInBrowser('at 1440 the terminal shares its row with the runbook, and a kubectl get pods row fits on one line', async () => {
    await ui.page.setViewportSize({ width: 1440, height: 900 });
    const terminal = await ui.page.getByRole('region', { name: 'Terminal', exact: true }).boundingBox();
    const runbook = await ui.page.getByRole('region', { name: 'Runbook', exact: true }).boundingBox();
    expect(Math.abs(terminal!.y - runbook!.y)).toBeLessThan(2);
    expect(terminal!.width).toBeGreaterThan(2 * runbook!.width - 100);
    const output = await typeInTerminal('kubectl get pods -n production');
    const widest = Math.max(...output.split('\n').map((row) => row.length));
    const columns = await ui.page.evaluate(() => {
      const screen = document.querySelector('.xterm-screen')!.getBoundingClientRect().width;
      const cell = document.querySelector('.xterm-char-measure-element')?.getBoundingClientRect().width ?? 0;
      return cell > 0 ? Math.floor(screen / (cell / 32)) : 0;
    });
    expect(widest).toBeLessThanOrEqual(columns);
    // The runbook can make way: hidden, the terminal takes the whole row.
    await ui.page.getByRole('button', { name: 'Hide runbook' }).click();
    await expect.poll(async () => (await ui.page.getByRole('region', { name: 'Terminal', exact: true }).boundingBox())!.width).toBeGreaterThan(terminal!.width + 300);
    await ui.page.getByRole('button', { name: 'Show runbook' }).click();
    await ui.page.screenshot({ path: join(artifacts, 'drill-1440.png') });
    if (readmeImages) copyFileSync(join(artifacts, 'drill-1440.png'), join(readmeImages, 'drill-page.png'));
  });

  runInBrowser('the debrief, with the post-mortem previewed: the cause said now that the drill is over', async () => {
    await ui.page.setViewportSize({ width: 1440, height: 900 });
    await answerThePager(ui.page.getByRole('region', { name: 'Pager' }));
    const severity = ui.page.getByRole('form', { name: 'Declare severity' });
    await severity.getByRole('radio', { name: /^P1 Critical/ }).check();
    await severity.getByRole('button', { name: 'Declare severity' }).click();
    const block = runbookBlocks().find((candidate) => candidate.section.startsWith('INC-SPEC-001'))!;
    for (const command of block.commands) await typeInTerminal(command);
    await ui.sim.control('POST', '/_sim/clock/advance', { ms: 3 * 60_000 });
    expect(await pageText()).not.toContain(cause.description);
    await declareResolved(ui.page);

    const debrief = ui.page.getByRole('region', { name: 'Debrief' });
    const draft = debrief.getByRole('article', { name: 'Post-mortem draft' });
    await draft.getByRole('heading', { level: 1, name: /^Incident Post-Mortem: INC-SPEC-001/ }).waitFor();
    expect(await draft.textContent()).toContain(`The cause the simulation knew (said now that the drill is over): ${cause.description}.`);
    expect(await draft.getByRole('table').count()).toBeGreaterThanOrEqual(3);
    expect(await draft.textContent()).toMatch(/Left alone \(no responder\)\s*[\d,]+/);
    await debrief.getByRole('link', { name: /Download the post-mortem draft/ }).waitFor();
    await checkEveryWidth('debrief', () => draft.waitFor());
    await ui.page.setViewportSize({ width: 1440, height: 900 });
    await debrief.scrollIntoViewIfNeeded();
    await ui.page.evaluate(() => window.scrollTo(0, 0));
    await ui.page.screenshot({ path: join(artifacts, 'debrief-1440.png') });
    if (readmeImages) copyFileSync(join(artifacts, 'debrief-1440.png'), join(readmeImages, 'debrief.png'));
    expect(ui.pageErrors).toEqual([]);
  });

  runInBrowser('the game-day pages: the facilitator console and the join page', async () => {
    await ui.page.goto(`${ui.sim.url}/#facilitator=${encodeURIComponent(ui.sim.facilitatorToken)}`);
    await ui.page.setViewportSize({ width: 1440, height: 900 });
    await ui.page.getByLabel('Team', { exact: true }).first().fill('sre-blue');
    await ui.page.getByRole('button', { name: 'Create', exact: true }).click();
    const joinLink = ui.page.locator('a.join-link').first();
    await joinLink.waitFor();
    await checkEveryWidth('facilitator', () => joinLink.waitFor());
    // The join link is the session's own server (its own port): a page load of its own.
    await ui.page.goto((await joinLink.getAttribute('href'))!);
    await checkEveryWidth('join', () => ui.page.getByRole('region', { name: /^Join game-day / }).waitFor());
    expect(ui.pageErrors).toEqual([]);
  });
});
