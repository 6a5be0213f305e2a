import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SeverityPanel } from './severity-panel';

describe('SeverityPanel', () => {
  it('asks the impact assessment questions beside the severity matrix', () => {
    render(<SeverityPanel current={null} changes={0} onDeclare={() => undefined} />);
    expect(screen.getByRole('checkbox', { name: /Is user data at risk of corruption\?/ })).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: /Is it business hours in primary region\?/ })).toBeTruthy();
    expect(screen.getAllByRole('radio')).toHaveLength(4);
    expect(screen.getByText('Not declared yet.')).toBeTruthy();
  });

  it('says to choose a severity before declaring, and declares with the answers', async () => {
    const onDeclare = vi.fn();
    render(<SeverityPanel current={null} changes={0} onDeclare={onDeclare} />);
    await userEvent.click(screen.getByRole('button', { name: 'Declare severity' }));
    expect(screen.getByRole('alert').textContent).toBe('Choose a severity first.');
    expect(onDeclare).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('checkbox', { name: /more than 10% of operations/ }));
    await userEvent.click(screen.getByRole('radio', { name: /^P1 Critical/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Declare severity' }));
    expect(onDeclare).toHaveBeenCalledWith({ severity: 'P1', answers: { 'over-10-percent': true } });
  });

  it('shows the declared severity and offers to change it', () => {
    render(<SeverityPanel current={{ severity: 'P2', simMs: 1000, answers: {} }} changes={3} onDeclare={() => undefined} />);
    expect(screen.getByText(/Declared:/).textContent).toBe('Declared: P2 (changed 2 times)');
    expect(screen.getByRole('button', { name: 'Change severity' })).toBeTruthy();
  });
});
