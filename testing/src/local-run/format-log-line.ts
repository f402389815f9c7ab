const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const LEVEL_COLORS: Record<string, number> = { WARN: 33, ERROR: 31, FATAL: 31 };
/** Fields every pino line carries, or that the prefix already shows. */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'name', 'msg']);
const MAX_VALUE_CHARS = 160;

const paint = (on: boolean, code: number, text: string) =>
  on ? `\x1b[${code}m${text}\x1b[0m` : text;

function showValue(value: unknown): string {
  if (value && typeof value === 'object' && 'message' in value) {
    return String((value as { message: unknown }).message); // an error: its message is what helps
  }
  if (typeof value === 'string') return value; // whole: an alert's text is the point of the line
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

export interface LogPrefix {
  /** Service name shown in front of each line. */
  label: string;
  /** Width the label is padded to, so lines align. */
  width: number;
  /** ANSI colour code of the label. */
  colorCode: number;
  color: boolean;
}

/**
 * One child output line for a person: a pino JSON line becomes `time service LEVEL msg k=v…`;
 * anything else is shown as is, behind the same prefix.
 */
export function formatLogLine(line: string, prefix: LogPrefix): string {
  const label = paint(prefix.color, prefix.colorCode, prefix.label.padEnd(prefix.width));
  let entry: Record<string, unknown> | null = null;
  if (line.startsWith('{')) {
    try {
      entry = JSON.parse(line);
    } catch {
      entry = null;
    }
  }
  if (!entry || typeof entry !== 'object') return `${' '.repeat(8)} ${label} │ ${line}`;
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : ' '.repeat(8);
  const level = LEVELS[Number(entry.level)] ?? 'INFO';
  const levelText = paint(prefix.color, LEVEL_COLORS[level] ?? 2, level.padEnd(5));
  const fields = Object.entries(entry)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${showValue(value)}`);
  const details = fields.length ? `  ${paint(prefix.color, 2, fields.join(' '))}` : '';
  const text = `${time} ${label} │ ${levelText} ${String(entry.msg ?? '')}${details}`;
  // Multi-line values (alert texts) continue under the prefix, so the columns stay readable.
  return text.replace(/\n+/g, `\n${' '.repeat(9 + prefix.width)}│       `);
}
