import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { RunbookPanel } from './runbook-panel';
import { codePieces, parseRunbook, sectionsFor } from './runbook-document';

const runbook = `# Speculative Execution Incident Response

## Table of Contents
- [Incident Runbooks by Type](#incident-runbooks-by-type)

## Severity Definitions

### Severity Matrix

| Severity | Impact |
|----------|--------|
| **P3 - Medium** | Minor degradation |

### P3 - Medium Severity Response

Handle it within the day.

## Incident Runbooks by Type

### INC-SPEC-001: Cascading Rollback Storm

**Trigger:** Rollback rate > 50% for > 2 minutes

\`\`\`bash
# 1. Disable speculation
curl -X POST http://localhost:9090/admin/config \\
  -H "Authorization: Bearer $ADMIN_TOKEN" \\
  -d '{"speculation.enabled": false}'

# 3. Check for cascade source
agenc speculation rollbacks --since 10m --verbose | head -50
\`\`\`

<script>window.hacked = true</script>
<img src=x onerror="window.hacked = true">
[a link](javascript:alert(1))

### INC-SPEC-002: Memory Exhaustion

\`\`\`
Not a shell block: a template.
\`\`\`
`;

const load = () => Promise.resolve({ name: 'speculation-incident-response.md', markdown: runbook });

describe('the runbook document', () => {
  it('splits the runbook at its ## and ### headings, with GitHub-style ids', () => {
    const sections = parseRunbook(runbook);
    expect(sections.map((section) => [section.id, section.level])).toEqual([
      ['top', 1],
      ['table-of-contents', 2],
      ['severity-definitions', 2],
      ['severity-matrix', 3],
      ['p3---medium-severity-response', 3],
      ['incident-runbooks-by-type', 2],
      ['inc-spec-001-cascading-rollback-storm', 3],
      ['inc-spec-002-memory-exhaustion', 3],
    ]);
  });

  it("finds the paged alert's sections: the heading itself, or the headings its name is made of", () => {
    const sections = parseRunbook(runbook);
    expect(sectionsFor('INC-SPEC-001: Cascading Rollback Storm', sections)).toEqual(['inc-spec-001-cascading-rollback-storm']);
    expect(sectionsFor('Severity matrix: P3, single pod issues (P3 response procedure)', sections)).toEqual(['severity-matrix', 'p3---medium-severity-response']);
    expect(sectionsFor(null, sections)).toEqual([]);
  });

  it('reads a shell block as its commands, continued lines joined', () => {
    expect(codePieces('# one\ncurl -X POST a \\\n  -d x\n\nagenc admin status').filter((piece) => piece.kind === 'command').map((piece) => piece.kind === 'command' && piece.command)).toEqual(['curl -X POST a -d x', 'agenc admin status']);
  });

  it("shows the runbook's raw HTML as text and keeps no script, handler or javascript: link", () => {
    const html = parseRunbook(runbook)
      .flatMap((section) => section.parts)
      .map((part) => (part.kind === 'html' ? part.html : ''))
      .join('');
    expect(html).toContain('&lt;script&gt;');
    const shown = document.createElement('div');
    shown.innerHTML = html;
    expect(shown.querySelectorAll('script, img, iframe, style')).toHaveLength(0);
    for (const element of shown.querySelectorAll('*')) {
      for (const attribute of element.attributes) expect(attribute.name.startsWith('on') || /^\s*javascript:/i.test(attribute.value), `${element.tagName} ${attribute.name}`).toBe(false);
    }
  });
});

describe('RunbookPanel', () => {
  it("opens the paged alert's section first, and types a command into the terminal with one click, without running it", async () => {
    const onType = vi.fn();
    render(<RunbookPanel runbookSection="INC-SPEC-001: Cascading Rollback Storm" onType={onType} load={load} />);
    const panel = await screen.findByRole('region', { name: 'Runbook' });
    await waitFor(() => expect(panel.querySelector('details')?.open).toBe(true));
    const details = [...panel.querySelectorAll('details')];
    expect(details[0]!.id).toBe('runbook-inc-spec-001-cascading-rollback-storm');
    expect(details.filter((element) => element.open)).toHaveLength(1);
    const buttons = within(details[0]!).getAllByRole('button', { name: /Type into the terminal/ });
    expect(buttons).toHaveLength(2);
    await userEvent.click(buttons[0]!);
    expect(onType).toHaveBeenCalledWith(`curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.enabled": false}'`);
    expect((window as { hacked?: boolean }).hacked).toBeUndefined();
    expect(panel.querySelector('script')).toBeNull();
  });

  it('offers no buttons to someone who cannot run commands, nor on a block that is not shell', async () => {
    render(<RunbookPanel runbookSection={null} onType={null} load={load} />);
    const panel = await screen.findByRole('region', { name: 'Runbook' });
    await waitFor(() => expect(panel.querySelectorAll('details').length).toBeGreaterThan(0));
    expect(within(panel).queryAllByRole('button')).toEqual([]);
    expect(panel.textContent).toContain('Not a shell block: a template.');
  });

  it('follows its own table of contents to the section, opening it', async () => {
    render(<RunbookPanel runbookSection={null} onType={null} load={load} />);
    const panel = await screen.findByRole('region', { name: 'Runbook' });
    await waitFor(() => expect(panel.querySelectorAll('details').length).toBeGreaterThan(0));
    const target = panel.querySelector<HTMLDetailsElement>('#runbook-incident-runbooks-by-type')!;
    expect(target.open).toBe(false);
    await userEvent.click(within(panel).getByRole('link', { name: 'Incident Runbooks by Type' }));
    await waitFor(() => expect(target.open).toBe(true));
  });

  it('says what went wrong when the runbook cannot be loaded', async () => {
    render(<RunbookPanel runbookSection={null} onType={null} load={() => Promise.reject(new Error('the runbook x.md cannot be read'))} />);
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'Error: the runbook x.md cannot be read');
  });
});
