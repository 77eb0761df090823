import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Metrics Prometheus records itself for every target: no app exports them. */
const PROMETHEUS_OWN = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);
const HISTOGRAM_SERIES = /_(bucket|count|sum)$/;

/**
 * The metric names a PromQL expression reads: identifiers that are not functions, keywords,
 * label names (in matchers or in by/on/without/ignoring/group_* lists) or durations.
 */
export function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = match;
    if (!call && !KEYWORDS.has(name.toLowerCase())) {
      names.add(name);
    }
  }
  return [...names];
}

/** Every expression of the alert rules file and the Grafana dashboards, by where it is used. */
export function monitoringQueries(root: string): { where: string; expr: string }[] {
  const queries: { where: string; expr: string }[] = [];
  const rulesFile = join(root, 'helm/rentguy/files/prometheus/rentguy.rules.yaml');
  const rules = parse(readFileSync(rulesFile, 'utf8')) as {
    groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
  };
  for (const rule of rules.groups.flatMap((group) => group.rules)) {
    queries.push({ where: `rule ${rule.alert ?? rule.record}`, expr: rule.expr });
  }
  const dashboards = join(root, 'helm/rentguy/files/grafana');
  for (const file of readdirSync(dashboards).filter((name) => name.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(dashboards, file), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        queries.push({ where: `${file} "${panel.title}"`, expr: target.expr });
      }
    }
  }
  return queries;
}

/** The names recorded by the rules file's recording rules (`gateway:http_requests:...`). */
export function recordedNames(root: string): Set<string> {
  const rules = parse(
    readFileSync(join(root, 'helm/rentguy/files/prometheus/rentguy.rules.yaml'), 'utf8'),
  ) as { groups: { rules: { record?: string }[] }[] };
  return new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));
}

/** The queries' metrics that none of the given /metrics pages declares (`# TYPE <name>`). */
export function unexportedMetrics(
  queries: { where: string; expr: string }[],
  metricsPages: string[],
  recorded: Set<string>,
): string[] {
  const exported = new Set(
    metricsPages.flatMap((page) => [...page.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1])),
  );
  const missing: string[] = [];
  for (const { where, expr } of queries) {
    for (const name of metricNamesOf(expr)) {
      const family = name.replace(HISTOGRAM_SERIES, '');
      if (!exported.has(name) && !exported.has(family) && !recorded.has(name) && !PROMETHEUS_OWN.has(name)) {
        missing.push(`${where}: ${name}`);
      }
    }
  }
  return missing;
}
