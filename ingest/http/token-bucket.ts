/** A token bucket per key: `ratePerSecond` tokens flow in, at most `capacity` are kept. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly now: () => number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now();
  }

  private refill(): void {
    const at = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((at - this.updatedAt) / 1000) * this.ratePerSecond);
    this.updatedAt = at;
  }

  /** Seconds until `count` tokens are there, without taking them; 0 when they are there now. */
  secondsUntil(count: number): number {
    this.refill();
    return this.tokens >= count ? 0 : Math.max(1, Math.ceil((count - this.tokens) / this.ratePerSecond));
  }

  /** Takes `count` tokens, or none; returns 0 on success, else the seconds to wait until they are there. */
  take(count: number): number {
    const waitS = this.secondsUntil(count);
    if (waitS === 0) this.tokens -= count;
    return waitS;
  }
}
