/**
 * CSV for spreadsheets and training records: a header row, then one row per record (RFC 4180
 * quoting), written by csv-stringify. Names and titles are participants' input, so cells that a
 * spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) are
 * written as text with a leading quote (`escape_formulas`); numbers stay numbers.
 */
import { stringify } from 'csv-stringify/sync';

export function toCsv<T extends object>(columns: ReadonlyArray<keyof T & string>, rows: readonly T[]): string {
  return stringify(rows as unknown as Array<Record<string, unknown>>, {
    header: true,
    columns: [...columns],
    record_delimiter: 'unix',
    escape_formulas: true,
    // csv-stringify quotes a line feed; a bare carriage return ends a row in spreadsheets too.
    quoted_match: /\r/,
    // csv-stringify writes true as "1" and false as ""; a training record says true and false.
    cast: { boolean: (value) => String(value), object: (value) => JSON.stringify(value) },
  });
}
