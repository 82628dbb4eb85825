import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import { Scheduler, type Job } from './scheduler.js';

const logger = pino({ level: 'silent' });

function countingJob(name: string, extra: Partial<Job> = {}): Job & { runs: number } {
  const job = {
    name,
    runs: 0,
    run() {
      job.runs += 1;
      return Promise.resolve(false);
    },
    ...extra,
  };
  return job;
}

describe('scheduler', () => {
  it('tick() runs every due job; everyMs spaces a job out on the scheduler clock; force and runJob ignore it', async () => {
    const clock = new ManualClock(1_000_000);
    const s = new Scheduler(clock, logger);
    const often = countingJob('often');
    const rare = countingJob('rare', { everyMs: 60_000 });
    s.register(often).register(rare);
    expect(s.jobs).toEqual(['often', 'rare']);
    await s.tick();
    await s.tick();
    expect([often.runs, rare.runs]).toEqual([2, 1]);
    clock.advance(60);
    await s.tick();
    expect([often.runs, rare.runs]).toEqual([3, 2]);
    await s.tick({ force: true });
    expect(rare.runs).toBe(3);
    await s.runJob('rare');
    expect(rare.runs).toBe(4);
    await expect(s.runJob('missing')).rejects.toThrow(/No job/);
    expect(() => s.register(countingJob('often'))).toThrow(/already registered/);
  });

  it('waits for the background work a job started (drain) before tick() resolves', async () => {
    const s = new Scheduler(new ManualClock(), logger);
    let finished = false;
    let pending: Promise<void> = Promise.resolve();
    s.register({
      name: 'async',
      run() {
        pending = new Promise((r) => setTimeout(r, 30)).then(() => {
          finished = true;
        });
        return Promise.resolve(false);
      },
      drain: () => pending,
    });
    await s.tick();
    expect(finished).toBe(true);
  });

  it('runs in the background, again at once when a job reports more work, and survives a failing job', async () => {
    const s = new Scheduler(new ManualClock(), logger, 10_000);
    let left = 5;
    const eager = countingJob('eager', {
      run() {
        eager.runs += 1;
        left -= 1;
        return Promise.resolve(left > 0);
      },
    });
    const broken = countingJob('broken', {
      run() {
        broken.runs += 1;
        return Promise.reject(new Error('boom'));
      },
    });
    s.register(eager).register(broken);
    s.start();
    const deadline = Date.now() + 2_000;
    while (eager.runs < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    // Five passes came one right after another, not 10 s apart.
    expect(eager.runs).toBe(5);
    expect(broken.runs).toBeGreaterThanOrEqual(1);
    await s.stop();
    const runs = eager.runs;
    s.wake();
    await new Promise((r) => setTimeout(r, 20));
    expect(eager.runs).toBe(runs);
  });

  it('never runs one job twice at once', async () => {
    const s = new Scheduler(new ManualClock(), logger);
    let concurrent = 0;
    let maxConcurrent = 0;
    s.register({
      name: 'slow',
      async run() {
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setTimeout(r, 20));
        concurrent -= 1;
        return false;
      },
    });
    await Promise.all([s.tick(), s.tick(), s.runJob('slow')]);
    expect(maxConcurrent).toBe(1);
  });
});
