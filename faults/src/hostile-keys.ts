/** A key a buggy or hostile worker could leave under a heartbeat (or in-flight) name. */
export type HostileKey =
  | { key: string; type: 'string'; value: string }
  | { key: string; type: 'list' | 'set'; members: string[] }
  | { key: string; type: 'hash'; fields: Record<string, string> }
  | { key: string; type: 'zset'; members: string[] };

const NASTY_NAMES = [
  'a"b\\nc',
  '<script>alert(1)</script>',
  'x'.repeat(2000),
  '워커-🔥-ünïcödé',
  '',
  'a}b{c',
  'a,b=c',
  'back\\slash\\',
  'new\nline',
  'tab\there',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a worker name that looks like code
  '${process.exit()}',
  '../../etc/passwd',
  '\u0000nul',
  '💥'.repeat(100),
];

const ts = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** Heartbeat payloads that are wrong in every way a reader can trip over. */
function badPayload(i: number, name: string): string {
  const beat = {
    name,
    kind: 'render',
    state: 'idle',
    ts: ts(0),
    last_job_at: null,
    jobs_done: 1,
    jobs_failed: 0,
  };
  switch (i % 16) {
    case 0:
      return '{"name":'; // cut short
    case 1:
      return 'null';
    case 2:
      return '[]';
    case 3:
      return '"just a string"';
    case 4:
      return '42';
    case 5:
      return JSON.stringify({ ...beat, jobs_done: 'lots' });
    case 6:
      return JSON.stringify({ ...beat, ts: 'yesterday' });
    case 7:
      return JSON.stringify({ ...beat, ts: ts(10 * 365 * 86_400_000) }); // ten years ahead
    case 8:
      return JSON.stringify({ ...beat, ts: '1970-01-01T00:00:00Z', jobs_done: -5 });
    case 9:
      return JSON.stringify({ ...beat, name: 'someone-else' }); // contradicts the key
    case 10:
      return JSON.stringify({ ...beat, kind: 'rocket', state: 'launching' });
    case 11:
      return `${'['.repeat(5000)}${']'.repeat(5000)}`; // deep nesting
    case 12:
      return JSON.stringify(beat).replace('{', '{"__proto__":{"polluted":true},"constructor":"x",');
    case 13:
      return JSON.stringify({ ...beat, state: '<b>bold</b> & "quoted"', jobs_done: 1e308 });
    case 14:
      return '\u0000\u0001\u0002 binary junk \uFFFD';
    default:
      return JSON.stringify({ ...beat, extra: 'y'.repeat(1000) });
  }
}

/**
 * `count` hostile keys under `worker:*:heartbeat` (and a few under `processing:`): unreadable
 * JSON, wrong shapes, contradicting names, the wrong Redis type, names that break label and HTML
 * escaping, and `hugeValues` multi-megabyte values. Deterministic, so a failure reproduces.
 */
export function hostileKeys(count: number, hugeValues = 5): HostileKey[] {
  const keys: HostileKey[] = [];
  for (let i = 0; i < count; i += 1) {
    const nasty = NASTY_NAMES[i % NASTY_NAMES.length] as string;
    const name = i % 3 === 0 ? `${nasty}-${i}` : `hostile-${i}`;
    const key = `worker:${name}:heartbeat`;
    if (i < hugeValues) {
      keys.push({ key, type: 'string', value: `{"name":"${'z'.repeat(2 * 1024 * 1024)}"}` });
    } else if (i % 50 === 7) {
      keys.push({ key, type: 'list', members: ['not', 'a', 'heartbeat'] });
    } else if (i % 50 === 17) {
      keys.push({ key, type: 'hash', fields: { name, state: 'idle' } });
    } else if (i % 50 === 27) {
      keys.push({ key, type: 'set', members: ['a', 'b'] });
    } else if (i % 50 === 37) {
      keys.push({ key, type: 'zset', members: ['1', 'a'] });
    } else if (i % 100 === 49) {
      // An in-flight "list" of a fleet queue that is a string: the figure must read 0, reported.
      keys.push({ key: `processing:queue:video-render:${nasty}-${i}`, type: 'string', value: 'x' });
    } else {
      keys.push({ key, type: 'string', value: badPayload(i, name) });
    }
  }
  return keys;
}
