/** Issue 13: CSV cells a spreadsheet would run as formulas are written as text. */
import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

interface Row {
  name: string;
  points: number;
  ranked: boolean;
  note: string | null;
}

const row = (name: string, points = 1): Row => ({ name, points, ranked: true, note: null });

describe('toCsv', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTab', "'\tTab"],
    ['\rCR', `"'\rCR"`],
    ['＝1+1', "'＝1+1"],
  ])('writes %j as text: %s', (name, cell) => {
    expect(toCsv<Row>(['name'], [row(name)])).toBe(`name\n${cell}\n`);
  });

  it('leaves plain text and numbers alone, negative numbers included', () => {
    expect(toCsv<Row>(['name', 'points', 'ranked', 'note'], [row('Ada Lovelace', -10), row('Bob, Jr.', 2.5)])).toBe('name,points,ranked,note\nAda Lovelace,-10,true,\n"Bob, Jr.",2.5,true,\n');
  });

  it('quotes quotes and line breaks (RFC 4180), and writes only the header for no rows', () => {
    expect(toCsv<Row>(['name'], [row('say "hi"\nthen go')])).toBe('name\n"say ""hi""\nthen go"\n');
    expect(toCsv<Row>(['name', 'points'], [])).toBe('name,points\n');
  });
});
