import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from '@fleet/testing';
import { parser } from '@prometheus-io/lezer-promql';
import { parse, stringify } from 'yaml';

/** A PromQL expression and where it was found, for failure messages. */
export interface LocatedExpr {
  where: string;
  expr: string;
}

/**
 * Grafana's template variables replaced by values Prometheus accepts, so an expression from the
 * dashboard parses (and, against live data, selects everything) exactly as Grafana would send it.
 */
export function interpolateGrafana(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__range', '1h')
    .replaceAll('$__interval', '15s')
    .replaceAll('$worker', '.*');
}

/** Every PromQL expression in a dashboard: panel targets and annotations. */
export function dashboardExpressions(dashboard: {
  panels?: { title?: string; targets?: { expr?: string; refId?: string }[] }[];
  annotations?: { list?: { name: string; expr?: string }[] };
}): LocatedExpr[] {
  const found: LocatedExpr[] = [];
  for (const panel of dashboard.panels ?? []) {
    for (const target of panel.targets ?? []) {
      if (target.expr)
        found.push({ where: `panel "${panel.title}" ${target.refId}`, expr: target.expr });
    }
  }
  for (const annotation of dashboard.annotations?.list ?? []) {
    if (annotation.expr)
      found.push({ where: `annotation "${annotation.name}"`, expr: annotation.expr });
  }
  return found;
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
}

/** Every rule of the rule files of a directory, with its file's name. */
function rulesIn(dir: string): { file: string; rule: Rule }[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((file) => {
      const doc = parse(readFileSync(join(dir, file), 'utf8')) as {
        groups?: { rules?: Rule[] }[];
      };
      return (doc.groups ?? []).flatMap((group) =>
        (group.rules ?? []).map((rule) => ({ file, rule })),
      );
    });
}

/** Every alerting/recording rule expression in the rule files of a directory. */
export function ruleExpressions(dir: string): LocatedExpr[] {
  return rulesIn(dir).map(({ file, rule }) => ({
    where: `${file} ${rule.alert ?? rule.record}`,
    expr: String(rule.expr),
  }));
}

/** The series the recording rules of a directory write (Prometheus makes them, no target). */
export function recordedNames(dir: string): string[] {
  return rulesIn(dir).flatMap(({ rule }) => (rule.record ? [rule.record] : []));
}

/**
 * Parses every expression with Prometheus's own parser (promtool check rules on a temporary
 * file holding one recording rule per expression). Returns promtool's complaints, or ''.
 */
export function promtoolParseErrors(exprs: LocatedExpr[]): string {
  requireBinary('promtool', 'prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'fleet-promql-'));
  try {
    const file = join(dir, 'expressions.yml');
    const rules = exprs.map((e, i) => ({
      record: `expr_check_${i}`,
      expr: interpolateGrafana(e.expr),
    }));
    writeFileSync(file, stringify({ groups: [{ name: 'expressions', rules }] }));
    try {
      execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
      return '';
    } catch (error) {
      const { stdout, stderr } = error as { stdout: string; stderr: string };
      return `${stdout}\n${stderr}\n${exprs.map((e, i) => `expr_check_${i}: ${e.where}`).join('\n')}`;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The metric names an expression selects (from its syntax tree, not a regex over the text). */
export function metricNames(expr: string): string[] {
  const text = interpolateGrafana(expr);
  const names = new Set<string>();
  parser.parse(text).iterate({
    enter(node) {
      if (node.name !== 'VectorSelector') return;
      const identifier = node.node.getChild('Identifier');
      if (identifier) names.add(text.slice(identifier.from, identifier.to));
    },
  });
  return [...names];
}

/** Metric names in a Prometheus text exposition (`# TYPE` lines and samples). */
export function exposedMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type?.[1]) {
      names.add(type[1]);
      // A counter family `x` is exposed as the sample `x_total` (OpenMetrics naming).
      if (type[2] === 'counter' && !type[1].endsWith('_total')) names.add(`${type[1]}_total`);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample?.[1]) names.add(sample[1]);
  }
  return names;
}
