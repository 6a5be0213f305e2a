/**
 * Issue 16, items 2, 3, 4 and 9 in a real browser (headless Chromium): the lobby's first load is
 * served compressed and small; the drill page shows the team's runbook beside the terminal with
 * the paged alert's section open first, and a click types a command at the prompt; the terminal
 * edits a line as a shell does (←, Home, End, Ctrl+U, Ctrl+W), completes with Tab, and Ctrl+C
 * stops a long drain on the server; one `kubectl get pods` is one timeline entry.
 * Screenshots go to test-results/.
 */
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { DrillState } from '@gameday/simulator';
import { artifacts, runInBrowser, trainerPage } from './support/browser';


// Real time at ×1, so a drain takes its usual seconds and Ctrl+C has something to stop.
const ui = trainerPage(['--seed', '21', '--speed', '1'], { viewport: { width: 1440, height: 900 } });

/** The bytes of one URL as sent with only gzip accepted (Node's fetch would decode them). */
function gzipBytes(url: string): Promise<{ bytes: number; encoding: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve({ bytes, encoding: response.headers['content-encoding'] }));
    });
    request.on('error', reject);
    request.end();
  });
}

const terminalRegion = () => ui.page.getByRole('region', { name: "Terminal: type the runbook's commands" });
/** What the terminal shows, row by row (xterm's DOM renderer). */
const screenText = async () => (await ui.page.locator('.xterm-rows').innerText()).replace(/\u00a0/g, ' ');
const runs = async () => Number(await ui.page.getByTestId('terminal-output').getAttribute('data-runs'));

/** Keys at the terminal as a person presses them: `{ type }` types text, a string presses that key. */
async function keys(...steps: Array<string | { type: string }>): Promise<void> {
  for (const step of steps) await (typeof step === 'string' ? ui.page.keyboard.press(step) : ui.page.keyboard.type(step.type));
}

async function enterAndWait(): Promise<string> {
  const before = await runs();
  await ui.page.keyboard.press('Enter');
  await expect.poll(runs, { timeout: 20_000 }).toBe(before + 1);
  return (await ui.page.getByTestId('terminal-output').textContent()) ?? '';
}

describe('the terminal and the runbook in the browser', () => {
  runInBrowser('loads the lobby compressed and small', async () => {
    const loaded: string[] = [];
    ui.page.on('response', (response) => loaded.push(response.url()));
    await ui.page.goto(`${ui.sim.url}/#token=${encodeURIComponent(ui.sim.adminToken)}`);
    await ui.page.getByRole('button', { name: 'Practice Cascading rollback storm' }).waitFor();
    const files = loaded.filter((url) => url.startsWith(ui.sim.url) && (url.endsWith('/') || url.includes('/assets/')));
    let total = 0;
    for (const url of files) {
      const { bytes, encoding } = await gzipBytes(url);
      expect(encoding, url).toBe('gzip');
      total += bytes;
    }
    // Issue 16: the lobby's first load under 150 KB gzip (the drill page's code loads when a drill starts).
    console.log(`lobby first load: ${files.length} files, ${(total / 1024).toFixed(1)} KB gzip`);
    expect(total).toBeLessThan(150 * 1024);
    expect(files.some((url) => url.includes('drill-page'))).toBe(false);
    await ui.page.screenshot({ path: join(artifacts, 'ui-lobby.png') });
  });

  runInBrowser('edits a line as a shell does: ←, Home, End, Ctrl+U and Ctrl+W', async () => {
    await ui.page.getByLabel('Your name').fill('Ada');
    await ui.page.getByRole('button', { name: 'Practice Cascading rollback storm' }).click();
    await ui.page.getByRole('region', { name: 'Pager' }).getByText('No page').waitFor();
    await terminalRegion().click();
    await keys({ type: 'rm -rf everything' }, 'Control+U', { type: 'ubectl get pds -n production junk' }, 'Control+W', 'Home', { type: 'k' }, 'End');
    await keys(...Array<string>(17).fill('ArrowLeft'), { type: 'o' });
    await expect.poll(screenText).toContain('$ kubectl get pods -n production');
    const output = await enterAndWait();
    expect(output).toMatch(/^NAME\s+READY\s+STATUS/);
    expect(output).toContain('speculation-engine');
  });

  runInBrowser('completes with Tab: the verb, the type and the namespace', async () => {
    await terminalRegion().click();
    await keys({ type: 'kubectl ge' }, 'Tab', { type: 'deploy' }, 'Tab', { type: '-n prod' }, 'Tab');
    await expect.poll(screenText).toContain('$ kubectl get deployments -n production');
    expect(await enterAndWait()).toContain('proof-worker');
  });

  runInBrowser('stops a long drain with Ctrl+C: the busy line goes, the server killed the curl', async () => {
    await terminalRegion().click();
    await ui.page.keyboard.type('curl -X POST http://localhost:9090/admin/speculation/drain -H "Authorization: Bearer $ADMIN_TOKEN" --max-time 120');
    const before = await runs();
    await ui.page.keyboard.press('Enter');
    const busy = ui.page.getByTestId('terminal-busy');
    // Before the page: the service has its full load in flight, so the drain takes seconds.
    await busy.getByText('Ctrl+C stops it').waitFor();
    await ui.page.screenshot({ path: join(artifacts, 'ui-terminal-busy.png') });
    const pressed = Date.now();
    await ui.page.keyboard.press('Control+C');
    await expect.poll(runs, { timeout: 10_000 }).toBe(before + 1);
    expect(Date.now() - pressed).toBeLessThan(5000);
    expect(await ui.page.getByTestId('terminal-output').textContent()).toBe('exit 130');
    await expect.poll(screenText).toContain('^C');
    const journal = await ui.sim.control<{ entries: Array<{ action: string; status?: number; detail?: Record<string, unknown> }> }>('GET', '/_sim/journal?limit=200');
    const drain = journal.entries.filter((entry) => entry.detail?.route === '/admin/speculation/drain').at(-1);
    expect(drain).toMatchObject({ status: 499, detail: { clientGaveUp: true } });
  });

  runInBrowser("shows the paged alert's runbook section first, and types its command at the prompt with one click", async () => {
    for (let minute = 0; minute < 40; minute++) {
      const state = await ui.sim.control<DrillState>('POST', '/_sim/clock/advance', { ms: 60_000 });
      if (state.paging.length > 0) break;
    }
    const runbook = ui.page.getByRole('region', { name: 'Runbook' });
    const first = runbook.locator('details').first();
    await expect.poll(() => first.getAttribute('id'), { timeout: 10_000 }).toBe('runbook-inc-spec-001-cascading-rollback-storm');
    expect(await first.evaluate((element) => (element as HTMLDetailsElement).open)).toBe(true);
    expect(await runbook.locator('details[open]').count()).toBe(1);
    const before = await runs();
    await first.getByRole('button', { name: 'Type into the terminal: agenc speculation rollbacks --since 10m --verbose | head -50' }).click();
    await expect.poll(screenText).toContain('$ agenc speculation rollbacks --since 10m --verbose | head -50');
    expect(await runs()).toBe(before);
    await ui.page.screenshot({ path: join(artifacts, 'ui-runbook-typed.png'), fullPage: true });
    expect(await enterAndWait()).toMatch(/Rollbacks in the last 10m/);
  });

  runInBrowser('shows one timeline entry for one kubectl get pods', async () => {
    const timeline = ui.page.getByRole('region', { name: 'Timeline' });
    await expect.poll(async () => (await timeline.locator('li').allInnerTexts()).filter((text) => text.includes('kubectl get pods')).length).toBe(1);
    const items = await timeline.locator('li').allInnerTexts();
    expect(items.filter((text) => /GET \/version|kubectl get\s*$|\/api\/v1\/namespaces/.test(text))).toEqual([]);
    expect(items.some((text) => text.includes('rm -rf'))).toBe(false);
    await ui.page.screenshot({ path: join(artifacts, 'ui-drill-terminal.png'), fullPage: true });
    expect(ui.pageErrors).toEqual([]);
  });
});
