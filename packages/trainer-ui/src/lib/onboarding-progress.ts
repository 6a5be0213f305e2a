/** Which onboarding drills a trainee has passed, kept in this browser. */
const key = (trainee: string) => `gameday.passed.${trainee.toLowerCase()}`;

export function passedScenarios(trainee: string): string[] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(key(trainee)) ?? '[]');
    return Array.isArray(stored) ? stored.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

export function recordPass(trainee: string, scenario: string): void {
  const passed = new Set(passedScenarios(trainee));
  passed.add(scenario);
  localStorage.setItem(key(trainee), JSON.stringify([...passed]));
}
