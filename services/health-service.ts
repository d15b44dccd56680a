/**
 * Reports whether each dependency answers, and how fast. Every probe runs at once under its own
 * time limit, so one hung dependency makes the report slow by at most that limit, never forever.
 */
export const DEPENDENCIES = ['postgres', 'redis', 'temporal', 'objectStorage'] as const;
export type DependencyName = (typeof DEPENDENCIES)[number];

export type Probe = () => Promise<void>;

export interface DependencyReport {
  status: 'up' | 'down';
  latencyMs: number;
  /** Why it is down, in a sentence safe to show to ops. */
  error?: string;
}

/** Whether any worker polls the booking task queue (Temporal's DescribeTaskQueue). */
export interface WorkerPollingReport {
  taskQueue: string;
  /** True when at least one worker polls for workflow tasks and one for activity tasks. */
  polling: boolean;
  workflowPollers: number;
  activityPollers: number;
  /** Why it could not be told (Temporal down or slow). */
  error?: string;
}

export type PollerProbe = () => Promise<{ workflowPollers: number; activityPollers: number }>;

export interface IntegrityReport {
  status: 'ok' | 'degraded';
  checkedAt: string;
  dependencies: Record<DependencyName, DependencyReport>;
  /**
   * Reported beside the dependencies but not part of `status`: an API instance without workers
   * still serves reads, so a load balancer must not take it out; ops and alerts watch this field.
   */
  bookingWorkers?: WorkerPollingReport;
}

export class HealthService {
  constructor(
    private readonly probes: Record<DependencyName, Probe>,
    private readonly timeoutMs = 2_000,
    private readonly bookingPollers?: { taskQueue: string; probe: PollerProbe },
  ) {}

  async integrity(): Promise<IntegrityReport> {
    const [entries, bookingWorkers] = await Promise.all([
      Promise.all(DEPENDENCIES.map(async (name) => [name, await this.measure(this.probes[name])] as const)),
      this.workerPolling(),
    ]);
    const dependencies = Object.fromEntries(entries) as Record<DependencyName, DependencyReport>;
    const allUp = entries.every(([, report]) => report.status === 'up');
    return { status: allUp ? 'ok' : 'degraded', checkedAt: new Date().toISOString(), dependencies, ...(bookingWorkers ? { bookingWorkers } : {}) };
  }

  private async workerPolling(): Promise<WorkerPollingReport | undefined> {
    if (!this.bookingPollers) return undefined;
    const { taskQueue, probe } = this.bookingPollers;
    let counts = { workflowPollers: 0, activityPollers: 0 };
    const report = await this.measure(async () => {
      counts = await probe();
    });
    if (report.status === 'down') return { taskQueue, polling: false, ...counts, error: report.error ?? 'unknown' };
    return { taskQueue, polling: counts.workflowPollers > 0 && counts.activityPollers > 0, ...counts };
  }

  private async measure(probe: Probe): Promise<DependencyReport> {
    const startedAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([probe(), timeout]);
      return { status: 'up', latencyMs: elapsed(startedAt) };
    } catch (error) {
      return { status: 'down', latencyMs: elapsed(startedAt), error: describe(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

const elapsed = (startedAt: number) => Math.round((performance.now() - startedAt) * 10) / 10;

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
