/** Issue 14: quantities read and written as the API server does (`set resources --limits=memory=3Gi`). */
import { describe, expect, it } from 'vitest';
import { QuantityError, formatBytes, formatKibibytes, formatMillicores, formatNanocores, parseQuantity, quantityPattern } from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['3Gi', 3 * 1024 ** 3],
    ['1536Mi', 1536 * 1024 ** 2],
    ['512Ki', 512 * 1024],
    ['4G', 4e9],
    ['500m', 0.5],
    ['2', 2],
    ['0.25', 0.25],
    ['1e3', 1000],
    ['1.5Gi', 1.5 * 1024 ** 3],
  ])('%s is %d', (text, value) => expect(parseQuantity(text)).toBeCloseTo(value, 6));

  it.each(['abc', '3GB', '', 'Gi', '1..5', '--1'])('refuses %j with the API server\'s words', (text) => {
    expect(() => parseQuantity(text)).toThrow(QuantityError);
    expect(() => parseQuantity(text)).toThrow(`quantities must match the regular expression '${quantityPattern}'`);
  });
});

describe('formatting', () => {
  it('writes bytes in the largest binary unit that divides them, cores plainly or in m', () => {
    expect(formatBytes(4 * 1024 ** 3)).toBe('4Gi');
    expect(formatBytes(1536 * 1024 ** 2)).toBe('1536Mi');
    expect(formatBytes(1000)).toBe('1000');
    expect(formatMillicores(2000)).toBe('2');
    expect(formatMillicores(250)).toBe('250m');
    expect(formatKibibytes(3 * 1024 ** 3)).toBe('3145728Ki');
    expect(formatNanocores(0.25)).toBe('250000000n');
  });
});
