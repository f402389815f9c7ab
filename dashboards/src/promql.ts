// Small PromQL composers. The dashboard's topology queries are long chains of label_replace
// and set operations; building them from named pieces keeps each step readable and testable.

/** A PromQL string literal (double-quoted, escaped). */
export function str(value: string): string {
  return JSON.stringify(value);
}

/** Adds (or overwrites) `label` with a fixed `value` on every series of `expr`. */
export function setLabel(expr: string, label: string, value: string): string {
  return `label_replace(${expr}, ${str(label)}, ${str(value)}, "", "")`;
}

/** Adds several fixed labels, in order. */
export function setLabels(expr: string, labels: Record<string, string>): string {
  return Object.entries(labels).reduce((acc, [label, value]) => setLabel(acc, label, value), expr);
}

/** Copies the value of label `from` into label `to`. */
export function copyLabel(expr: string, to: string, from: string): string {
  return `label_replace(${expr}, ${str(to)}, "$1", ${str(from)}, "(.*)")`;
}

/** Sets `label` to `value` only on the series whose `source` label equals `sourceValue`. */
export function setLabelWhere(
  expr: string,
  label: string,
  value: string,
  source: string,
  sourceValue: string,
): string {
  return `label_replace(${expr}, ${str(label)}, ${str(value)}, ${str(source)}, ${str(escapeRegex(sourceValue))})`;
}

/** Maps the values of `source` onto `label` through a table (unlisted values get `fallback`). */
export function mapLabel(
  expr: string,
  label: string,
  source: string,
  table: Readonly<Record<string, string>>,
  fallback: string,
): string {
  return Object.entries(table).reduce(
    (acc, [from, to]) => setLabelWhere(acc, label, to, source, from),
    setLabel(expr, label, fallback),
  );
}

/**
 * `a or on(keys) b or on(keys) c …`: per key, the first operand that has it wins. This is how a
 * priority ("down" before "degraded" before …) is expressed without turning values into labels.
 */
export function firstOf(on: readonly string[], ...exprs: string[]): string {
  return exprs.map((expr) => `(${expr})`).join(` or on(${on.join(', ')}) `);
}

/**
 * Copies `labels` from `right` onto the series of `left` matched on `on`; the values of `left`
 * are kept (`right` is multiplied by 0 and added). `right` must have one series per key.
 */
export function joinLabels(
  left: string,
  right: string,
  on: readonly string[],
  labels: readonly string[],
): string {
  return `(${left}) + on(${on.join(', ')}) group_left(${labels.join(', ')}) (0 * (${right}))`;
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
