import { render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Debrief } from '@gameday/simulator';
import { DebriefPanel } from './debrief-panel';

const debrief = {
  drillId: 'drill-1',
  trainee: 'Ada',
  team: 'solo',
  scenario: { id: 'rollback-storm', title: 'Cascading rollback storm', incident: 'INC-SPEC-001', summary: '' },
  difficulty: 'normal',
  ranked: false,
  score: { total: 71, max: 100, dimensions: [], outcome: null },
  impact: {},
  idealPath: [],
  yourPath: [],
  missed: [],
  harmful: [],
  gaps: [],
} as unknown as Debrief;

const postmortem = `# Incident Post-Mortem: INC-SPEC-001 Cascading rollback storm (game-day drill)

**Reviewers:** *✍ For the team: who reviews this draft*

## Timeline

| Time | Event |
|------|-------|
| 07:48 | Alert fired: SpeculationRollbackStorm |

**The cause the simulation knew** (said now that the drill is over): a dependency failed.

<script>window.pwned = true</script><img src=x onerror="window.pwned = true">
`;

afterEach(() => vi.unstubAllGlobals());

describe('DebriefPanel', () => {
  it('previews the post-mortem draft as rendered, sanitized Markdown, with the download beside it', async () => {
    const fetched: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((path: string) => {
        fetched.push(path);
        const body = path === '/trainer/debrief' ? JSON.stringify(debrief) : postmortem;
        return Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': path === '/trainer/debrief' ? 'application/json' : 'text/markdown' } }));
      }),
    );
    render(<DebriefPanel resolvedAt="2025-03-04T07:58:00.000Z" />);
    const draft = await screen.findByRole('article', { name: 'Post-mortem draft' });
    expect(fetched).toContain('/trainer/drills/drill-1/postmortem.md');
    expect(within(draft).getByRole('heading', { level: 1 }).textContent).toBe('Incident Post-Mortem: INC-SPEC-001 Cascading rollback storm (game-day drill)');
    expect(within(draft).getByRole('table').textContent).toContain('Alert fired: SpeculationRollbackStorm');
    expect(within(draft).getByText('✍ For the team: who reviews this draft').tagName).toBe('EM');
    expect(draft.textContent).toContain('The cause the simulation knew');
    // Raw HTML in the Markdown is words on the page, never markup.
    expect(draft.querySelector('script, img')).toBeNull();
    expect(draft.textContent).toContain('<script>window.pwned = true</script>');
    await waitFor(() => expect((window as unknown as { pwned?: boolean }).pwned).toBeUndefined());
    expect(screen.getByRole('link', { name: /Download the post-mortem draft/ })).toBeTruthy();
  });

  it("lists the ideal path's steps by their deadlines (\"by +5m00s\"), its page and your path at their moments", async () => {
    const paths = {
      ...debrief,
      idealPath: [
        { atMs: 0, step: 'page: SpeculationRollbackStorm' },
        { atMs: 5 * 60_000, step: 'Disable speculation: agenc admin speculation disable', by: true },
      ],
      yourPath: [{ atMs: 95_000, step: '$ agenc admin speculation disable' }],
    };
    vi.stubGlobal(
      'fetch',
      vi.fn((path: string) => Promise.resolve(new Response(path === '/trainer/debrief' ? JSON.stringify(paths) : postmortem, { status: 200, headers: { 'content-type': path === '/trainer/debrief' ? 'application/json' : 'text/markdown' } }))),
    );
    render(<DebriefPanel resolvedAt="2025-03-04T07:58:00.000Z" />);
    const ideal = await screen.findByRole('list', { name: 'The ideal path for this variant' });
    expect([...ideal.querySelectorAll('li')].map((item) => item.textContent)).toEqual(['+0m00s page: SpeculationRollbackStorm', 'by +5m00s Disable speculation: agenc admin speculation disable']);
    expect(screen.getByRole('list', { name: 'Your path' }).textContent).toBe('+1m35s $ agenc admin speculation disable');
  });
});
