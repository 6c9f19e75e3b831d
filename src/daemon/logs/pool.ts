// A few reusable read buffers, so that a unit printing one line at a time does not allocate a whole chunk per line.

/** Buffers of one size, handed out and given back; at most `keep` are kept while unused. */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly size: number,
    private readonly keep = 4,
  ) {}

  /** A buffer of `size` bytes with unspecified content. */
  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  /** Returns a buffer taken from this pool; the caller must not use it afterwards. */
  give(buffer: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buffer);
  }
}
