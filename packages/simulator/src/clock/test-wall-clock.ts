/**
 * A wall clock a test moves by hand, for realtime clocks and drills (`wallNow: wall.now`), so
 * realtime behaviour is tested without sleeping.
 */
export interface TestWallClock {
  /** Wall milliseconds, like `performance.now()`. */
  now: () => number;
  /** Lets `ms` of wall time pass. */
  pass(ms: number): void;
}

export function testWallClock(startMs = 10_000): TestWallClock {
  let ms = startMs;
  return {
    now: () => ms,
    pass(delta) {
      ms += delta;
    },
  };
}
