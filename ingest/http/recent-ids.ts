/**
 * Event ids recently made durable, bounded: a source retrying a batch whose answer it lost is answered at
 * once, without the records reaching the log a second time. The table's own deduplication (a replacing
 * merge on the same key) covers ids this memory has already forgotten or never saw (another node).
 */
export class RecentIds {
  // A Map keeps insertion order, so the oldest id is the first key: a cheap bounded FIFO.
  private readonly ids = new Map<string, true>();

  constructor(private readonly idsMax: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    this.ids.set(id, true);
    if (this.ids.size > this.idsMax) {
      const oldest = this.ids.keys().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
