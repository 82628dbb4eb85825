/** The one source of time. Unix seconds. Tests pass a controllable implementation. */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock a test moves by hand. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.now()) {}
  nowMs(): number {
    return this.ms;
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
