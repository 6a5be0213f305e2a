import type { TraineeView } from '@gameday/simulator';

type Race = NonNullable<TraineeView['ghost']>;

const points = (score: number | null) => (score === null ? '—' : String(score));

/** What each run would score had it stopped at the drill's last whole minute, as a finished drill is scored: it can drop as well as rise. */
const soFarMeaning =
  "What each run would score had it stopped at this minute, scored as a finished drill is (the impact avoided against doing nothing and the ideal path, then the process): it drops when a change makes things worse. The ghost's is its own run replayed to this minute.";

/** The race's scores so far, one line: the ghost's, the trainee's, and the minute they stand at. */
export function RaceScores({ race, label }: { race: Race; label: string }) {
  const soFar = race.soFar;
  if (!soFar) return null;
  return (
    <p className="race-scores" aria-label={label} title={soFarMeaning}>
      Score so far, had each stopped at {Math.round(soFar.atMs / 60_000)} min: <span className="ghost">ghost {points(soFar.ghost)}</span> · <span className="yours">you {points(soFar.yours)}</span>
    </p>
  );
}

/**
 * A race against a ghost: whose best run it is, how many of its steps have come so far (they are
 * on the timeline), and both scores so far. The ghost's final score is said apart, so the two are
 * not confused.
 */
export function RaceBanner({ ghost }: { ghost: Race }) {
  return (
    <section className="race-banner" aria-label="Race">
      <p>
        Racing <strong>{ghost.trainee}</strong>&apos;s best run (final score {ghost.score}) · {ghost.steps} of its steps so far, on the timeline
      </p>
      <RaceScores race={ghost} label="Score so far" />
    </section>
  );
}
