/**
 * Issue 16 items 5 and 7 (and issue 14's scrape gaps) in headless Chromium: the dashboard's
 * charts read like Grafana (the alert rules' own thresholds, 24-hour UTC ticks that never
 * collide, a tooltip on hover, a time-range picker, the failed scrapes shown as gaps), people
 * answer an escalation and the bridge, templates come filled in, and a game-day participant who
 * closed the tab comes back as themselves. Screenshots go to test-results/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DrillState } from '@gameday/simulator';
import { hasChromium, launchChromium } from './support/browser';
import { repoRoot, startSimulator, type ServedSimulator } from './support/served-simulator';

const artifacts = join(repoRoot, 'test-results');
const runIt = hasChromium || process.env.CI === 'true' ? it : it.skip;

let sim: ServedSimulator;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  // Hard, seed 23: the exporter fails scrapes at 8 and 13¼ minutes, among others.
  sim = await startSimulator(['--clock', 'virtual', '--seed', '23', '--difficulty', 'hard', '--scenario', 'rollback-storm']);
  if (!hasChromium) return;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await sim.stop();
});

const advance = (ms: number) => sim.control<DrillState>('POST', '/_sim/clock/advance', { ms });
/** How many minutes a chart's label says it spans ("from 10:05 to 10:20"). */
const minutesBetween = (label: string) => {
  const match = /from (\d\d):(\d\d) to (\d\d):(\d\d)/.exec(label)!;
  const minutes = (hours: string, mins: string) => Number(hours) * 60 + Number(mins);
  return (minutes(match[3]!, match[4]!) - minutes(match[1]!, match[2]!) + 24 * 60) % (24 * 60);
};

describe('charts and comms in the browser', () => {
  runIt('charts: rule thresholds, 24-hour ticks that fit, a tooltip, the range picker and the scrape gaps', { timeout: 120_000 }, async () => {
    // The served drill itself, not the lobby's: its seed fixes the gaps.
    await page.addInitScript(() => sessionStorage.setItem('gameday.drill', JSON.stringify({ trainee: 'trainee', scenario: 'rollback-storm' })));
    for (let minute = 0; minute < 20; minute++) await advance(60_000);
    await page.goto(`${sim.url}/#token=${encodeURIComponent(sim.adminToken)}`);
    const dashboard = page.getByRole('region', { name: 'Dashboard' });
    const rollback = dashboard.locator('figure').filter({ has: page.getByRole('img', { name: /^Rollback rate from/ }) });
    await rollback.waitFor();

    // The thresholds are the storm's own rules, labelled with them.
    const legend = rollback.getByRole('list', { name: 'Rollback rate alert rules' });
    await expect.poll(async () => (await legend.textContent()) ?? '').toContain('SpeculationRollbackStorm: > 50% for 2m');
    expect(await legend.textContent()).toContain('SpeculationRollbackRateElevated: > 25% for 5m');
    expect(await rollback.locator('.chart-threshold line').count()).toBe(2);

    // The range picker: 15 minutes by default, then an hour, then the whole drill.
    const plot = rollback.getByRole('img', { name: /^Rollback rate from/ });
    expect(minutesBetween((await plot.getAttribute('aria-label'))!)).toBe(15);
    await dashboard.getByRole('radio', { name: '1 h' }).click();
    expect(minutesBetween((await plot.getAttribute('aria-label'))!)).toBe(60);
    await dashboard.getByRole('radio', { name: 'Whole drill' }).click();
    expect(minutesBetween((await plot.getAttribute('aria-label'))!)).toBe(20);

    // The failed scrapes at 8 and 13¼ minutes are gaps, not lines drawn across them.
    expect(await rollback.locator('.chart-gap').count()).toBe(2);
    expect(await legend.getByRole('listitem').filter({ hasText: 'scrape failed (up 0)' }).count()).toBe(1);
    expect(((await rollback.locator('.chart-line').getAttribute('d')) ?? '').match(/M/g)?.length).toBe(3);

    // 24-hour labels that neither collide nor leave the chart, on every chart.
    for (const figure of await dashboard.locator('figure').all()) {
      const svg = (await figure.locator('svg').boundingBox())!;
      const times = await figure.locator('.chart-time-label').all();
      const boxes = [];
      for (const label of times) {
        expect(await label.textContent()).toMatch(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/);
        boxes.push((await label.boundingBox())!);
      }
      for (let index = 1; index < boxes.length; index++) expect(boxes[index]!.x).toBeGreaterThan(boxes[index - 1]!.x + boxes[index - 1]!.width);
      for (const label of [...times, ...(await figure.locator('.chart-value-label').all())]) {
        const box = (await label.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(svg.x - 0.5);
        expect(box.x + box.width).toBeLessThanOrEqual(svg.x + svg.width + 0.5);
      }
    }

    // Hovering shows the value and its time.
    const area = rollback.getByTestId('chart-hover-area');
    const box = (await area.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
    const tooltip = rollback.getByRole('tooltip');
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toMatch(/^\d\d:\d\d:\d\d UTCRollback rate \d+(\.\d)?%$/);
    await page.screenshot({ path: join(artifacts, 'charts-tooltip.png'), clip: { x: 0, y: Math.max(0, box.y - 200), width: 1440, height: 600 } });
    await dashboard.screenshot({ path: join(artifacts, 'charts.png') });
    expect(consoleErrors).toEqual([]);
  });

  runIt('comms: a filled template, a scripted answer to an escalation, the bridge answering, and answered on it', { timeout: 120_000 }, async () => {
    const comms = page.getByRole('region', { name: 'Comms and escalation' });
    const box = comms.getByRole('textbox', { name: /^Message/ });
    await expect.poll(async () => box.inputValue()).toContain('**Bridge:** https://meet.agenc.io/speculation-incident');
    expect(await box.inputValue()).toContain('**Incident Lead:** @trainee');

    await comms.getByRole('group', { name: 'Escalate' }).getByRole('button', { name: 'Platform lead' }).click();
    await comms.getByRole('button', { name: 'Join the incident bridge' }).click();
    await comms.getByText(/On the incident bridge since/).waitFor();
    for (let minute = 0; minute < 5; minute++) await advance(60_000);
    const incidents = comms.getByRole('list', { name: '#incidents' });
    await expect.poll(async () => ((await incidents.count()) > 0 ? ((await incidents.textContent()) ?? '') : ''), { timeout: 10_000 }).toMatch(/Priya Raman \(platform lead\): Ack, trainee/);
    const bridge = comms.getByRole('list', { name: 'Incident bridge' });
    await expect.poll(async () => (await bridge.textContent()) ?? '', { timeout: 10_000 }).toContain("Lee Chen (secondary on-call): Hi trainee, I'm on as secondary.");
    // Answered on the bridge: the line shows there, and the secondary takes it up.
    await comms.getByRole('textbox', { name: 'What you say on the bridge' }).fill('Watch the rollback rate; say if it passes 50%.');
    await comms.getByRole('form', { name: 'Say on the bridge' }).getByRole('button', { name: 'Say' }).click();
    await expect.poll(async () => (await bridge.textContent()) ?? '').toContain('you: Watch the rollback rate; say if it passes 50%.');
    await advance(60_000);
    await expect.poll(async () => (await bridge.textContent()) ?? '', { timeout: 10_000 }).toContain("Lee Chen (secondary on-call): On it, trainee. I'll call out here anything that moves.");

    await comms.getByLabel('Template').selectOption('update');
    await box.fill('[P2] Speculation Incident Update\nStatus: Investigating\nImpact: rollbacks elevated');
    await comms.getByRole('button', { name: 'Post' }).click();
    await expect.poll(async () => box.inputValue()).toBe('');
    await expect.poll(async () => (await incidents.textContent()) ?? '').toContain('you: [P2] Speculation Incident Update\nStatus: Investigating\nImpact: rollbacks elevated');
    await comms.screenshot({ path: join(artifacts, 'comms-answers.png') });
    expect(consoleErrors).toEqual([]);
  });

  runIt('a game-day participant who closed the tab rejoins as themselves', { timeout: 120_000 }, async () => {
    const created = await sim.control<{ joinUrl: string; code: string }>('POST', '/gameday/sessions', { scenario: 'rollback-storm', team: 'sre-blue', seed: 5 });
    const first = await context.newPage();
    await first.goto(created.joinUrl);
    const form = first.getByRole('form', { name: 'Join' });
    await form.getByLabel('Your name').fill('Bob');
    await form.getByRole('radio', { name: /^Primary on-call/ }).check();
    await form.getByRole('button', { name: 'Join' }).click();
    await first.getByRole('region', { name: 'Game-day' }).getByText('you are Bob').waitFor();
    await first.close();

    const again = await context.newPage();
    await again.goto(created.joinUrl);
    await again.getByText('This browser joined as').waitFor();
    await again.screenshot({ path: join(artifacts, 'gameday-rejoin.png') });
    await again.getByRole('button', { name: 'Rejoin as Bob' }).click();
    await again.getByRole('region', { name: 'Game-day' }).getByText('you are Bob').waitFor();
    const session = await sim.control<{ participants: Array<{ name: string }> }>('GET', `/gameday/sessions/${created.code}`);
    expect(session.participants.map((person) => person.name)).toEqual(['Bob']);
    await again.close();
  });
});
