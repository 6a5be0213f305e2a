import { describe, expect, it } from 'vitest';
import type { JournalEntry } from './journal';
import { FactLog } from './fact-log';

let seq = 0;
const entry = (action: string): JournalEntry => ({ seq: ++seq, simMs: seq * 1000, wallMs: 0, source: 'ui', action, outcome: 'accepted' });

describe('FactLog', () => {
  it('keeps each entry once, in journal order, whatever kinds it is filed under', () => {
    const log = new FactLog(10);
    const a = entry('a');
    const b = entry('b');
    const c = entry('c');
    log.add(a, ['x']);
    log.add(b, ['x', 'y']);
    log.add(c, ['y']);
    expect(log.list().map((kept) => kept.action)).toEqual(['a', 'b', 'c']);
    expect(log.size).toBe(3);
    expect(log.droppedByKind()).toEqual({});
  });

  it('past its cap a kind keeps its first entries and the newest in its last slot, and counts what it turned away', () => {
    const log = new FactLog(3);
    log.add(entry('x0'), ['x']);
    log.add(entry('other'), ['y']);
    for (let i = 1; i < 50; i++) log.add(entry(`x${i}`), ['x']);
    expect(log.list().map((kept) => kept.action)).toEqual(['x0', 'other', 'x1', 'x49']);
    expect(log.droppedByKind()).toEqual({ x: 47 });
  });

  it('keeps an entry the cap pushed out of one kind while another kind still holds it', () => {
    const log = new FactLog(2);
    log.add(entry('x0'), ['x']);
    log.add(entry('shared'), ['x', 'y']);
    log.add(entry('x2'), ['x']);
    expect(log.list().map((kept) => kept.action)).toEqual(['x0', 'shared', 'x2']);
  });

  it('refuses a cap that could not hold both the first and the newest', () => {
    expect(() => new FactLog(1)).toThrow(/capPerKind must be a whole number of at least 2/);
  });
});
