/**
 * The Grafana dashboard and the Prometheus alert rules in deploy/observability/ are well formed and
 * name only metrics the code registers (the API's and the worker's registries, the gauges read at
 * scrape time, and the Temporal SDK metrics the worker's SDK endpoint was seen to export), so a
 * renamed metric cannot silently leave a panel empty or an alert blind.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SCRAPE_TIME_METRICS, TEMPORAL_SDK_METRICS, apiRegistry, collectProcessMetrics, workerRegistry } from '../../../integrations/telemetry/metrics.js';
import { REPO_ROOT } from '../../support/paths.js';

const DIR = path.join(REPO_ROOT, 'deploy', 'observability');

/** Every series name a scrape of our processes can show, with the suffixes histograms and counters add. */
async function registeredNames(): Promise<Set<string>> {
  collectProcessMetrics(apiRegistry);
  collectProcessMetrics(workerRegistry);
  const families = [...(await apiRegistry.getMetricsAsJSON()), ...(await workerRegistry.getMetricsAsJSON())].map((metric) => ({ name: metric.name, type: String(metric.type) }));
  families.push(...Object.values(SCRAPE_TIME_METRICS).map((name) => ({ name, type: 'gauge' })));
  families.push(...TEMPORAL_SDK_METRICS.map((name) => ({ name, type: 'histogram' })));
  const names = new Set<string>();
  for (const { name, type } of families) {
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

const PROMQL_WORDS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'rate', 'irate', 'increase', 'delta', 'histogram_quantile', 'clamp_min', 'clamp_max', 'absent',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'topk', 'bottomk', 'time', 'vector',
  'humanizePercentage',
]);

/** The metric names a PromQL expression reads: identifiers outside label matchers, ranges, groupings and strings. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/(?<![A-Za-z0-9_:])\d+(\.\d+)?(e[+-]?\d+)?/gi, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = match[0];
    const after = stripped.slice(match.index + word.length).trimStart();
    if (PROMQL_WORDS.has(word) || after.startsWith('(')) continue;
    names.add(word);
  }
  return [...names];
}

describe('deploy/observability', () => {
  it('the PromQL name extraction sees metrics and only metrics', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le, route) (rate(tutorflow_http_request_duration_seconds_bucket{status=~"5.."}[5m])))')).toEqual(['tutorflow_http_request_duration_seconds_bucket']);
    expect(metricNames('absent(tutorflow_worker_ready == 1) or max(a_b) / clamp_min(x, 1e-9)')).toEqual(['tutorflow_worker_ready', 'a_b', 'x']);
  });

  it('the Grafana dashboard is a dashboard whose every query reads registered metrics', async () => {
    const dashboard = JSON.parse(await readFile(path.join(DIR, 'grafana-dashboard.json'), 'utf8'));
    expect(dashboard).toMatchObject({ uid: expect.any(String), title: expect.any(String), schemaVersion: expect.any(Number), panels: expect.any(Array) });
    const names = await registeredNames();
    const targets = dashboard.panels.flatMap((panel: { type: string; targets?: { expr: string; refId: string }[] }) => (panel.type === 'row' ? [] : (panel.targets ?? [])));
    expect(targets.length).toBeGreaterThan(20);
    const ids = dashboard.panels.map((panel: { id: number }) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const read = new Set<string>();
    for (const target of targets) {
      const used = metricNames(target.expr);
      expect(used.length, target.expr).toBeGreaterThan(0);
      for (const name of used) {
        expect(names, `${name} in ${target.expr}`).toContain(name);
        read.add(name);
      }
    }
    // Every metric the issue asks for is on the dashboard.
    for (const name of ['tutorflow_http_request_duration_seconds_bucket', 'tutorflow_ws_connections', 'tutorflow_ws_deliveries_total', 'tutorflow_rate_limit_refusals_total', 'tutorflow_email_outbox_depth', 'tutorflow_bookings', 'tutorflow_booking_money_minor', 'tutorflow_bookings_needing_attention', 'tutorflow_activity_executions_total', 'temporal_worker_task_slots_available']) {
      expect(read, name).toContain(name);
    }
  });

  it('the alert rules are Prometheus rule groups on registered metrics, covering attention, failures, absent workers and webhook lag', async () => {
    const file = parse(await readFile(path.join(DIR, 'alerts.yml'), 'utf8')) as { groups: { name: string; rules: Record<string, unknown>[] }[] };
    const names = await registeredNames();
    const alerts = new Map<string, string>();
    for (const group of file.groups) {
      expect(group.name).toEqual(expect.any(String));
      for (const rule of group.rules) {
        expect(Object.keys(rule).every((key) => ['alert', 'expr', 'for', 'labels', 'annotations', 'keep_firing_for'].includes(key)), JSON.stringify(rule)).toBe(true);
        expect(rule).toMatchObject({ alert: expect.stringMatching(/^[A-Z][A-Za-z]+$/), expr: expect.any(String), labels: { severity: expect.stringMatching(/^(page|warn)$/) }, annotations: { summary: expect.any(String) } });
        if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
        const expr = rule.expr as string;
        for (const name of metricNames(expr)) expect(names, `${name} in ${rule.alert}`).toContain(name);
        alerts.set(rule.alert as string, expr);
      }
    }
    expect(alerts.size).toBe(new Set(file.groups.flatMap((group) => group.rules.map((rule) => rule.alert))).size);
    expect(alerts.get('BookingsNeedAttention')).toMatch(/tutorflow_bookings_needing_attention\) > 0/);
    expect(alerts.get('ActivityFailureRateHigh')).toContain('outcome="failed"');
    expect(alerts.get('BookingWorkerAbsent')).toContain('absent(tutorflow_worker_ready');
    expect(alerts.get('StripeWebhookLagHigh')).toContain('tutorflow_stripe_webhook_lag_seconds_bucket');
  });
});
