import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DeclareButtons } from './declare-buttons';
import { testPage as page } from '../pager/test-page';

const open = { mitigatedAt: null, resolvedAt: null };
const resolved = () => screen.getByRole('button', { name: /Declare resolved|Resolved at|Ended/ });
const mitigated = () => screen.getByRole('button', { name: /Declare mitigated|Mitigated at/ });

describe('DeclareButtons (issue 16: what an on-call does first is the primary action)', () => {
  it('waits, saying why, before any page: nothing primary, nothing to declare', () => {
    render(<DeclareButtons page={null} trainee={open} ended={false} disabled={false} onDeclare={() => undefined} />);
    for (const button of [resolved(), mitigated()]) {
      expect((button as HTMLButtonElement).disabled).toBe(true);
      expect(button.className).not.toContain('primary');
      expect(button.getAttribute('aria-describedby')).toBe('declare-reason');
    }
    expect(screen.getByText('Nothing to declare yet: no page has come').id).toBe('declare-reason');
  });

  it('leaves the primary action to the pager while the page rings, and takes it once the page is answered', async () => {
    const onDeclare = vi.fn();
    const { rerender } = render(<DeclareButtons page={page()} trainee={open} ended={false} disabled={false} onDeclare={onDeclare} />);
    expect((resolved() as HTMLButtonElement).disabled).toBe(false);
    expect(resolved().className).not.toContain('primary');
    expect(screen.queryByText(/Nothing to declare yet/)).toBeNull();
    rerender(<DeclareButtons page={page({ acknowledgedAt: '2026-11-28T10:15:00.000Z' })} trainee={open} ended={false} disabled={false} onDeclare={onDeclare} />);
    expect(resolved().className).toContain('primary');
    await userEvent.click(mitigated());
    await userEvent.click(resolved());
    // Ending the drill asks once more: nothing declared until it is answered.
    expect(onDeclare.mock.calls).toEqual([['mitigated']]);
    const question = screen.getByRole('group', { name: 'Confirm the resolution' });
    expect(question.textContent).toContain('Declaring resolved ends the drill and scores it.');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Yes, declare resolved' }));
    await userEvent.click(screen.getByRole('button', { name: 'Yes, declare resolved' }));
    expect(onDeclare.mock.calls).toEqual([['mitigated'], ['resolved']]);
  });

  it('keeps working on "Not yet" or Escape: nothing declared, focus back on Declare resolved', async () => {
    const onDeclare = vi.fn();
    render(<DeclareButtons page={page({ acknowledgedAt: '2026-11-28T10:15:00.000Z' })} trainee={open} ended={false} disabled={false} onDeclare={onDeclare} />);
    await userEvent.click(resolved());
    await userEvent.click(screen.getByRole('button', { name: 'Not yet' }));
    expect(screen.queryByRole('group', { name: 'Confirm the resolution' })).toBeNull();
    expect(document.activeElement).toBe(resolved());
    await userEvent.click(resolved());
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('group', { name: 'Confirm the resolution' })).toBeNull();
    expect(document.activeElement).toBe(resolved());
    expect(onDeclare).not.toHaveBeenCalled();
  });

  it('puts the question away when the drill ends meanwhile (a facilitator ended it)', async () => {
    const { rerender } = render(<DeclareButtons page={page({ acknowledgedAt: '2026-11-28T10:15:00.000Z' })} trainee={open} ended={false} disabled={false} onDeclare={() => undefined} />);
    await userEvent.click(resolved());
    rerender(<DeclareButtons page={page({ acknowledgedAt: '2026-11-28T10:15:00.000Z' })} trainee={open} ended disabled={false} onDeclare={() => undefined} />);
    expect(screen.queryByRole('group', { name: 'Confirm the resolution' })).toBeNull();
    expect(resolved().textContent).toBe('Ended');
  });

  it('says when it was resolved, or that the drill ended without a resolution', () => {
    const { rerender } = render(<DeclareButtons page={page()} trainee={{ mitigatedAt: '2026-11-28T10:20:00.000Z', resolvedAt: '2026-11-28T10:31:00.000Z' }} ended disabled={false} onDeclare={() => undefined} />);
    expect(resolved().textContent).toBe('Resolved at 10:31');
    expect(mitigated().textContent).toBe('Mitigated at 10:20');
    expect(resolved().className).not.toContain('primary');
    rerender(<DeclareButtons page={null} trainee={open} ended disabled={false} onDeclare={() => undefined} />);
    expect(resolved().textContent).toBe('Ended');
    expect(screen.queryByText(/Nothing to declare yet/)).toBeNull();
  });
});
