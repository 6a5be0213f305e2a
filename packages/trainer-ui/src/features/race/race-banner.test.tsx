import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RaceBanner } from './race-banner';

describe('RaceBanner', () => {
  it('names the ghost, its final score and steps so far, and both scores so far at the minute', () => {
    render(<RaceBanner ghost={{ drillId: 'd1', trainee: 'Ada', score: 71.5, steps: 3, soFar: { atMs: 12 * 60_000, ghost: 40.2, yours: 12 } }} />);
    const race = screen.getByRole('region', { name: 'Race' });
    expect(race.textContent).toContain("Ada's best run (final score 71.5)");
    expect(race.textContent).toContain('3 of its steps so far');
    expect(screen.getByLabelText('Score so far').textContent).toBe('Score so far, had each stopped at 12 min: ghost 40.2 · you 12');
  });

  it('shows a dash for a score not known, and no scores without them', () => {
    const { rerender } = render(<RaceBanner ghost={{ drillId: 'd1', trainee: 'Ada', score: 50, steps: 0, soFar: { atMs: 0, ghost: null, yours: null } }} />);
    expect(screen.getByLabelText('Score so far').textContent).toBe('Score so far, had each stopped at 0 min: ghost — · you —');
    rerender(<RaceBanner ghost={{ drillId: 'd1', trainee: 'Ada', score: 50, steps: 0, soFar: null }} />);
    expect(screen.queryByLabelText('Score so far')).toBeNull();
  });
});
