import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';

/** How often the scheduler looks for due work. Short, so a test-clock advance takes effect within a moment. */
export const POLL_INTERVAL_MS = 200;

/**
 * A unit of time-driven work. `run` does one pass and resolves `true` when it knows more work is ready at once (the
 * scheduler then runs it again without waiting for the poll interval). Work a pass starts in the background (for
 * example deliveries in flight) is awaited by `drain`. `everyMs` spaces passes out on the scheduler's clock (a
 * retention sweep need not run five times a second); a forced run ignores it.
 */
export interface Job {
  name: string;
  everyMs?: number;
  run(): Promise<unknown>;
  drain?(): Promise<void>;
  /** Stops background work; given a deadline after which in-flight work is abandoned (its leases will expire). */
  stop?(deadlineMs: number): Promise<void>;
}

interface Slot {
  job: Job;
  running: Promise<boolean> | undefined;
  lastStartMs: number | undefined;
}

/**
 * Runs registered jobs: in the background every POLL_INTERVAL_MS (and at once when a job reports more work or
 * someone calls wake()), or on demand with tick() — tests drive time with a ManualClock and call tick() instead of
 * sleeping. A job never runs twice at once in one scheduler; jobs that share work between processes coordinate
 * through the database (leases), not through the scheduler.
 */
export class Scheduler {
  private slots: Slot[] = [];
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopping = false;
  private wakeQueued = false;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly pollMs: number = POLL_INTERVAL_MS,
  ) {}

  register(job: Job): this {
    if (this.slots.some((s) => s.job.name === job.name)) throw new Error(`A job named ${job.name} is already registered.`);
    this.slots.push({ job, running: undefined, lastStartMs: undefined });
    return this;
  }

  get jobs(): string[] {
    return this.slots.map((s) => s.job.name);
  }

  /** Starts the background loop. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.schedule(0);
  }

  /** Asks the background loop to pass again as soon as possible (coalesced). */
  wake(): void {
    if (!this.started || this.stopping || this.wakeQueued) return;
    this.wakeQueued = true;
    setImmediate(() => {
      this.wakeQueued = false;
      if (this.started && !this.stopping) void this.pass(false);
    });
  }

  /**
   * One full pass, for tests and tools: runs every due job (all of them with `force`), waits for each, then for the
   * background work they started. Deterministic: when it resolves, the work that was due has been done.
   */
  async tick(options: { force?: boolean } = {}): Promise<void> {
    for (const slot of this.slots) {
      if (!options.force && !this.isDue(slot)) continue;
      await this.runSlot(slot);
      await slot.job.drain?.();
    }
  }

  /** Runs one job now (whatever its spacing) and waits for the work it started. */
  async runJob(name: string): Promise<void> {
    const slot = this.slots.find((s) => s.job.name === name);
    if (!slot) throw new Error(`No job named ${name}.`);
    await this.runSlot(slot);
    await slot.job.drain?.();
  }

  /** Stops the loop; in-flight work gets until `graceMs` to finish, after which it is abandoned. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + graceMs;
    await Promise.allSettled(this.slots.flatMap((s) => (s.running ? [s.running] : [])));
    await Promise.allSettled(this.slots.flatMap((s) => (s.job.stop ? [s.job.stop(deadline)] : [])));
  }

  private isDue(slot: Slot): boolean {
    const every = slot.job.everyMs;
    return every === undefined || slot.lastStartMs === undefined || this.clock.nowMs() - slot.lastStartMs >= every;
  }

  private runSlot(slot: Slot): Promise<boolean> {
    if (slot.running) return slot.running;
    slot.lastStartMs = this.clock.nowMs();
    const run = (async () => {
      try {
        return (await slot.job.run()) === true;
      } catch (err) {
        this.logger.error({ err, job: slot.job.name }, 'job failed');
        return false;
      } finally {
        slot.running = undefined;
      }
    })();
    slot.running = run;
    return run;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pass(true);
    }, delayMs);
    this.timer.unref?.();
  }

  /** A background pass: due jobs that are not already running; `true` results ask for an immediate next pass. */
  private async pass(fromTimer: boolean): Promise<void> {
    const runs: Promise<boolean>[] = [];
    for (const slot of this.slots) {
      if (slot.running || !this.isDue(slot)) continue;
      runs.push(this.runSlot(slot));
    }
    const results = await Promise.all(runs);
    if (this.stopping) return;
    if (results.some(Boolean)) this.wake();
    if (fromTimer) this.schedule(this.pollMs);
  }
}
