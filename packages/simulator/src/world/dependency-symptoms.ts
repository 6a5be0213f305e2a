/**
 * What a failing dependency looks like from inside the service: the reasons its rollbacks record
 * and the numbers its client logs. The world and its log stream both write these.
 */
import type { DependencyFailure } from '@gameday/scenarios';

/** How long a dependency read waits before the client gives up (the symptom of a timing-out dependency). */
export const dependencyTimeoutMs = 2_000;

/**
 * A rollback's reason as the service records it: what the task saw when it read from a failing
 * dependency, with the endpoint, so a responder can correlate; never a verdict.
 */
export function dependencySymptom(failure: DependencyFailure): string {
  switch (failure.mode) {
    case 'timeout':
      return `read timed out after ${dependencyTimeoutMs}ms: ${failure.endpoint}`;
    case 'stale':
      return `stale read: block header from ${failure.endpoint} behind head`;
    case 'refused':
      return `connection refused: ${failure.endpoint}`;
  }
}
