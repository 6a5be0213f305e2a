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
});
