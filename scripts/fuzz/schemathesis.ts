/**
 * Runs Schemathesis (PyPI, pinned in install.sh, installed into its own virtualenv under the tool
 * cache) against a running API's /openapi.json, once per role, and reads its JSON report back into
 * figures: operations, generated cases, failures, with each failure's operation and check.
 *
 * The checks are the conformance ones of issue 9: no 5xx, statuses and content types the document
 * declares, bodies that match the declared schemas. Path parameters of operations that need a real
 * object (a booking, a file, a conversation) are pinned to fixtures the caller created, so the run
 * reaches the objects themselves instead of answering 404 to random ids.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const INSTALL = path.join(import.meta.dirname, 'install.sh');

export const FUZZ_CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'] as const;

export interface FuzzRole {
  name: string;
  /** Bearer token sent on every request as this role. */
  token: string;
  /** operationId → parameter (path.id, query.x, …) → value, for this role's own objects. */
  parameters?: Record<string, Record<string, string>>;
}

export interface FuzzOptions {
  baseUrl: string;
  roles: FuzzRole[];
  /** Examples per operation and phase. */
  maxExamples: number;
  /** Fixed for CI, so a run is reproducible; random locally for breadth. */
  seed?: number;
  /** operationIds not run at all (each with its reason, printed). */
  exclude?: Record<string, string>;
  /** Echo Schemathesis' own output (the failures' reproduction commands live there). */
  log?: (line: string) => void;
  /** Keep each role's ndjson event report here instead of discarding it. */
  reportDir?: string;
}

export interface FuzzFailure {
  role: string;
  operation: string;
  check: string;
  message: string;
}

export interface FuzzRoleResult {
  role: string;
  operations: number;
  cases: number;
  failures: FuzzFailure[];
  exitCode: number | null;
}

export async function installSchemathesis(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [INSTALL], { maxBuffer: 1 << 20 });
  return stdout.trim().split('\n').at(-1)!;
}

function toml(value: string): string {
  return JSON.stringify(value);
}

function configFor(role: FuzzRole, options: FuzzOptions): string {
  const lines = [`[generation]`, `max-examples = ${options.maxExamples}`, ''];
  for (const [operationId, parameters] of Object.entries(role.parameters ?? {})) {
    lines.push('[[operations]]', `include-operation-id = ${toml(operationId)}`, '[operations.parameters]');
    for (const [name, value] of Object.entries(parameters)) lines.push(`${toml(name)} = ${toml(value)}`);
    lines.push('');
  }
  for (const operationId of Object.keys(options.exclude ?? {})) {
    lines.push('[[operations]]', `include-operation-id = ${toml(operationId)}`, 'enabled = false', '');
  }
  return lines.join('\n');
}

interface JsonReport {
  [key: string]: unknown;
}

/** Counts from the ndjson event stream: one ScenarioFinished per operation and phase, with its cases. */
function summarise(role: string, events: JsonReport[]): Omit<FuzzRoleResult, 'exitCode'> {
  const operations = new Set<string>();
  let cases = 0;
  const failures: FuzzFailure[] = [];
  for (const event of events) {
    const finished = event.ScenarioFinished as JsonReport | undefined;
    if (!finished) continue;
    const label = String(finished.label ?? (finished.recorder as JsonReport | undefined)?.label ?? '');
    if (label) operations.add(label);
    const recorder = (finished.recorder ?? {}) as JsonReport;
    cases += Object.keys((recorder.cases ?? {}) as object).length;
    for (const checks of Object.values((recorder.checks ?? {}) as Record<string, JsonReport[]>)) {
      for (const check of checks) {
        if (check.status !== 'failure') continue;
        const failure = (check.failure_info ?? {}) as JsonReport;
        const detail = (failure.failure ?? {}) as JsonReport;
        failures.push({ role, operation: label, check: String(check.name), message: String(detail.title ?? detail.message ?? '') });
      }
    }
  }
  return { role, operations: operations.size, cases, failures };
}

function dedupe(failures: FuzzFailure[]): FuzzFailure[] {
  const seen = new Map<string, FuzzFailure>();
  for (const failure of failures) seen.set(`${failure.operation}|${failure.check}|${failure.message}`, failure);
  return [...seen.values()];
}

export async function runSchemathesis(options: FuzzOptions): Promise<FuzzRoleResult[]> {
  const executable = await installSchemathesis();
  // One role after another: the run then takes about one core (Python, plus the API answering),
  // leaving the other to the test file vitest runs beside this one.
  const results: FuzzRoleResult[] = [];
  for (const role of options.roles) results.push(await runRole(executable, role, options));
  return results;
}

async function runRole(executable: string, role: FuzzRole, options: FuzzOptions): Promise<FuzzRoleResult> {
  const dir = await mkdtemp(path.join(tmpdir(), `fuzz-${role.name}-`));
  try {
    await writeFile(path.join(dir, 'schemathesis.toml'), configFor(role, options));
    const report = path.join(options.reportDir ?? dir, `schemathesis-${role.name}.ndjson`);
    const args = [
      '--config-file', path.join(dir, 'schemathesis.toml'),
      '--no-color',
      'run',
      `${options.baseUrl}/openapi.json`,
      '--url', options.baseUrl,
      '--checks', FUZZ_CHECKS.join(','),
      '--header', `Authorization: Bearer ${role.token}`,
      // One worker: no threads inside Python (CPython before 3.11.8 can fail ast.parse when they race).
      '--workers', '1',
      '--report', 'ndjson',
      '--report-ndjson-path', report,
      '--suppress-health-check', 'all',
      '--continue-on-failure',
      '--request-timeout', '15',
      ...(options.seed === undefined ? [] : ['--seed', String(options.seed)]),
    ];
    let output = '';
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(executable, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      const collect = (chunk: Buffer) => (output += chunk.toString());
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.on('error', reject);
      child.on('exit', resolve);
    });
    options.log?.(`\n──── schemathesis as ${role.name} ────\n${output}`);
    const events = (await readFile(report, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as JsonReport);
    const summary = summarise(role.name, events);
    return { ...summary, failures: dedupe(summary.failures), exitCode };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
