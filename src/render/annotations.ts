import { stringify } from 'csv-stringify/sync';

/** The columns of annotation rows that dtors writes for review (search hits, suggestions). */
export const REVIEW_COLUMNS = ['transcript', 'code', 'lines', 'summary', 'note', 'coder'];

/**
 * Annotation rows as a CSV file dtors reads as coding. Input, not a chart: cells are written as they
 * are, not neutralised for a spreadsheet. `excel` adds the BOM and CRLF that Excel wants.
 */
export function reviewCsv(rows: string[][], excel = false): string {
  return stringify(rows, { header: true, columns: REVIEW_COLUMNS, bom: excel, record_delimiter: excel ? 'windows' : 'unix', quote_record_delimiter: true });
}
