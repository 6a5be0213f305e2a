import type { TraineeView } from '@gameday/simulator';

const minute = (atMs: number) => `${Math.round(atMs / 60_000)} min`;
const points = (score: number | null) => (score === null ? '—' : String(score));

/**
 * A race against a ghost: whose best run it is, how many of its steps have come so far (they are
 * on the timeline), and each side's score so far: what it would score had it stopped at the
 * drill's last whole minute. The ghost's final score is said apart, so the two are not confused.
 */
export function RaceBanner({ ghost }: { ghost: NonNullable<TraineeView['ghost']> }) {
  const soFar = ghost.soFar;
  return (
    <section className="race-banner" aria-label="Race">
      <p>
        Racing <strong>{ghost.trainee}</strong>&apos;s best run (final score {ghost.score}) · {ghost.steps} of its steps so far, on the timeline
      </p>
      {soFar && (
        <dl aria-label="Score so far" title="What each run would score had it stopped at this minute: scored as a finished drill is (the outcome against doing nothing and the ideal path, then the process), so it can drop as well as rise">
          <div className="ghost">
            <dt>Ghost so far</dt>
            <dd aria-label="Ghost's score so far">{points(soFar.ghost)}</dd>
          </div>
          <div className="yours">
            <dt>You so far</dt>
            <dd aria-label="Your score so far">{points(soFar.yours)}</dd>
          </div>
          <div className="at">
            <dt>at</dt>
            <dd>{minute(soFar.atMs)}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}
