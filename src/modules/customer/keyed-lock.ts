/**
 * Runs async work one at a time per key, within this process.
 *
 * Why it exists: FerretDB 1.24 applies updates as read-modify-write without isolation, so two
 * concurrent conditional updates of one document can both "match" (50 parallel `$inc` leave 1;
 * two `findOneAndUpdate` on the same version both win). On MongoDB the version-conditioned
 * write alone is atomic across instances; this lock makes the same code correct on FerretDB
 * for a single instance, and on MongoDB it just saves lost races.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with work queued or running (for tests: the map must not leak). */
  get size(): number {
    return this.tails.size;
  }
}
