/** One measured figure beside what it is judged against. */
export interface BenchRow {
  /** What was measured. */
  name: string;
  /** Our figure. */
  ours: number;
  /** The baseline it is set beside, from the same run. */
  baseline?: number;
  /** The limit or target, when there is one. */
  limit?: number;
  /** Unit of `ours`, `baseline` and `limit` (ms, KB, req/s). */
  unit: string;
  /** True when a larger figure is better (throughput). */
  higherIsBetter?: boolean;
  /** Free text for what the columns cannot say. */
  note?: string;
}

/**
 * Prints one table: our figure, the baseline, their ratio, the limit and
 * whether the target is met.
 */
export function printTable(title: string, rows: BenchRow[]): void {
  const lines = rows.map((row) => {
    const ratio =
      row.baseline === undefined || row.baseline === 0
        ? ''
        : `${(row.ours / row.baseline).toFixed(3)}x`;

    return {
      measure: row.name,
      ours: `${format(row.ours)} ${row.unit}`,
      baseline:
        row.baseline === undefined ? '' : `${format(row.baseline)} ${row.unit}`,
      ratio,
      limit: row.limit === undefined ? '' : `${format(row.limit)} ${row.unit}`,
      target: verdict(row),
      note: row.note ?? '',
    };
  });

  console.log(`\n## ${title}\n`);
  console.table(lines);
}

function verdict(row: BenchRow): string {
  if (row.limit === undefined) return '';

  const met = row.higherIsBetter
    ? row.ours >= row.limit
    : row.ours <= row.limit;

  return met ? 'met' : 'MISSED';
}

function format(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(1);

  return value.toPrecision(4);
}
