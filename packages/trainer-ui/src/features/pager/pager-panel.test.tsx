import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { PagerPanel } from './pager-panel';
import { testPage as page } from './test-page';


describe('PagerPanel', () => {
  it('says there is no page while nothing fires', () => {
    render(<PagerPanel page={null} onAcknowledge={() => undefined} />);
    expect(screen.getByText(/No page/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Acknowledge' })).toBeNull();
  });

  it('pages with the alert name, trigger, value and time, and acknowledges', async () => {
    const onAcknowledge = vi.fn();
    render(<PagerPanel page={page()} onAcknowledge={onAcknowledge} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('SpeculationRollbackStorm');
    expect(alert.textContent).toContain('Rollback rate > 50% for > 2 minutes');
    expect(alert.textContent).toContain('fired at 10:14:00 UTC, value 62.0%');
    await userEvent.click(screen.getByRole('button', { name: 'Acknowledge' }));
    expect(onAcknowledge).toHaveBeenCalledOnce();
    expect(onAcknowledge).toHaveBeenCalledWith('SpeculationRollbackStorm');
  });

  it('shows re-notifications and puts the count in the tab title until acknowledged', () => {
    document.title = 'gameday';
    const { rerender } = render(<PagerPanel page={page({ notifications: 3 })} onAcknowledge={() => undefined} />);
    expect(screen.getByText('Re-notified: paged 3 times')).toBeTruthy();
    expect(document.title).toBe('(3) gameday');
    rerender(<PagerPanel page={page({ acknowledgedAt: '2026-11-28T10:20:00.000Z' })} onAcknowledge={() => undefined} />);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('Acknowledged at 10:20:00 UTC')).toBeTruthy();
    expect(document.title).toBe('gameday');
  });

  it('shows a resolved page as resolved, ringing no more, acknowledged or not (issue 14 item 5)', () => {
    const { rerender } = render(<PagerPanel page={page({ resolvedAt: '2026-11-28T10:31:00.000Z' })} onAcknowledge={() => undefined} />);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Acknowledge' })).toBeNull();
    expect(screen.getByText('Resolved at 10:31:00 UTC: its condition cleared')).toBeTruthy();
    expect(screen.getByText(/RESOLVED/)).toBeTruthy();
    rerender(<PagerPanel page={page({ acknowledgedAt: '2026-11-28T10:20:00.000Z', resolvedAt: '2026-11-28T10:31:00.000Z' })} onAcknowledge={() => undefined} />);
    expect(screen.getByText('Acknowledged at 10:20:00 UTC')).toBeTruthy();
    expect(screen.getByText('Resolved at 10:31:00 UTC: its condition cleared')).toBeTruthy();
  });

  it('says what else waits for an acknowledgement, and what the last press answered', () => {
    render(<PagerPanel page={page({ alert: 'NodeFilesystemAlmostOutOfSpace', waiting: 1, lastAcknowledged: { alert: 'StakeSlashingDetected', at: '2026-11-28T10:16:05.000Z' } })} onAcknowledge={() => undefined} />);
    expect(screen.getByText('1 more alert is waiting for an acknowledgement')).toBeTruthy();
    expect(screen.getByText('You acknowledged StakeSlashingDetected at 10:16:05 UTC')).toBeTruthy();
  });

  it('shows no value for a resolved page: the reading now says nothing about it', () => {
    render(<PagerPanel page={page({ resolvedAt: '2026-11-28T10:31:00.000Z', value: 0.48 })} onAcknowledge={() => undefined} />);
    expect(screen.getByText(/^fired at 10:14:00 UTC/).textContent).toBe('fired at 10:14:00 UTC');
  });
});
