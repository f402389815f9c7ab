/**
 * A Markdown table, readable in a terminal and pasteable into a README: the first `textColumns`
 * columns are left-aligned, the numbers after them right-aligned.
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  textColumns: number,
): string {
  const widths = header.map((cell, i) =>
    Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const isText = (i: number) => i < textColumns;
  const line = (cells: readonly string[]) =>
    `| ${cells
      .map((cell, i) => (isText(i) ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join(' | ')} |`;
  const rule = `|${widths
    .map((width, i) => (isText(i) ? ` ${'-'.repeat(width)} ` : ` ${'-'.repeat(width - 1)}: `))
    .join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
