/**
 * The time everything Kabinet decides reads: reading windows, billing days, bill visibility,
 * and its own expiries (office codes, signed PDF links, confirmation links, the link lockout).
 * Production reads the system clock; tests move a fake one to stand inside or outside a
 * window. What libraries decide keeps real time: access-token expiry (jose) and rate-limit
 * counters (rate-limiter-flexible).
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved. */
export class ManualClock implements Clock {
  private current: Date;

  constructor(start: Date | string = new Date()) {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(instant: Date | string): void {
    this.current = new Date(instant);
  }

  advanceDays(days: number): void {
    this.current = new Date(this.current.getTime() + days * 24 * 3600 * 1000);
  }
}
