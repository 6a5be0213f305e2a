import { describe, expect, it } from 'vitest';
import { isBusinessHours, localTime, primaryRegions, seededEpochMs } from './primary-region';
import { liveSeverityFacts, noIncidentFacts } from './scenario-spec';
import { readings } from './test-readings';

const newYork = primaryRegions.find((region) => region.name === 'us-east-1')!;
const singapore = primaryRegions.find((region) => region.name === 'ap-southeast-1')!;

describe('primary region local time', () => {
  it('reads the wall clock in the region, daylight saving included', () => {
    // Tuesday 4 March 2025 15:30 UTC: 10:30 in New York (UTC-5), 23:30 in Singapore (UTC+8).
    const winter = Date.UTC(2025, 2, 4, 15, 30);
    expect(localTime(newYork, winter)).toMatchObject({ date: '2025-03-04', time: '10:30', weekday: 'Tue', utcOffset: 'UTC-5', businessHours: true });
    expect(localTime(singapore, winter)).toMatchObject({ date: '2025-03-04', time: '23:30', weekday: 'Tue', utcOffset: 'UTC+8', businessHours: false });
    expect(localTime(primaryRegions.find((region) => region.name === 'eu-west-1')!, winter)).toMatchObject({ time: '15:30', utcOffset: 'UTC' });
    // After 9 March New York is on daylight time: the same UTC time is an hour later there.
    expect(localTime(newYork, Date.UTC(2025, 2, 11, 15, 30))).toMatchObject({ time: '11:30', utcOffset: 'UTC-4' });
  });

  it('is business hours from 09:00 to 18:00 local, Monday to Friday', () => {
    const at = (utcDay: number, utcHour: number, utcMinute = 0) => isBusinessHours(newYork, Date.UTC(2025, 2, utcDay, utcHour, utcMinute));
    expect(at(4, 13, 59)).toBe(false); // Tue 08:59
    expect(at(4, 14)).toBe(true); // Tue 09:00
    expect(at(4, 22, 59)).toBe(true); // Tue 17:59
    expect(at(4, 23)).toBe(false); // Tue 18:00
    expect(at(8, 16)).toBe(false); // Sat 11:00
    expect(at(7, 16)).toBe(true); // Fri 11:00
  });

  it('gives every seed one epoch, and seeds many local times', () => {
    expect(seededEpochMs(42)).toBe(seededEpochMs(42));
    const epochs = Array.from({ length: 200 }, (_, seed) => seededEpochMs(seed + 1));
    expect(new Set(epochs).size).toBeGreaterThan(190);
    const inHours = epochs.filter((epoch) => isBusinessHours(newYork, epoch)).length;
    // 45 of 168 hours a week are business hours: about 27%.
    expect(inHours).toBeGreaterThan(30);
    expect(inHours).toBeLessThan(80);
  });
});

describe('live severity facts (issue 14: every fact from something a responder can see)', () => {
  const tuesdayMorningInNewYork = Date.UTC(2025, 2, 4, 15, 0);

  it('takes business hours from the simulated moment in the primary region', () => {
    const facts = { ...noIncidentFacts, primaryRegion: newYork };
    expect(liveSeverityFacts(readings({ simMs: 0 }), facts, tuesdayMorningInNewYork).businessHours).toBe(true);
    // Four simulated hours later it is 14:00 there; twelve hours later, 22:00.
    expect(liveSeverityFacts(readings({ simMs: 4 * 3_600_000 }), facts, tuesdayMorningInNewYork).businessHours).toBe(true);
    expect(liveSeverityFacts(readings({ simMs: 12 * 3_600_000 }), facts, tuesdayMorningInNewYork).businessHours).toBe(false);
  });

  it('takes data and funds at risk and auto-protection from the readings', () => {
    const live = (overrides: Parameters<typeof readings>[0]) => liveSeverityFacts(readings(overrides), noIncidentFacts, tuesdayMorningInNewYork);
    expect(live({}).dataAtRisk).toBe(false);
    expect(live({ corruptedRecords: 500 }).dataAtRisk).toBe(false);
    expect(live({ integrityCheckFailures: 1 }).dataAtRisk).toBe(true);
    expect(live({ slashedTokensLast24h: 0 }).fundsAtRisk).toBe('none');
    expect(live({ slashedTokensLast24h: 2_400 }).fundsAtRisk).toBe('some');
    expect(live({ slashedTokensLast24h: 12_000 }).fundsAtRisk).toBe('significant');
    expect(live({ speculationAutoDisabled: true }).autoProtecting).toBe(true);
    expect(live({ operationsAffected: 0.18 }).operationsAffected).toBe(0.18);
    expect(liveSeverityFacts(readings(), { ...noIncidentFacts, workaround: { name: 'x', description: 'y' } }, tuesdayMorningInNewYork).workaround).toBe(true);
  });
});
