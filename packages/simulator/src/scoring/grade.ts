/** One dimension's grade: its points of `max`, and why, in words a trainee learns from. */
export interface Grade {
  points: number;
  max: number;
  reason: string;
}

/** Points kept within [0, max], to a tenth. */
export const clampPoints = (points: number, max: number) => Math.round(Math.min(max, Math.max(0, points)) * 10) / 10;
