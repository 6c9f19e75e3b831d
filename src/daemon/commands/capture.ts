// The captured output of one stream of a command, bounded so that a chatty command cannot fill the daemon's memory.

/** Bytes kept per stream of a command (the rest is read and dropped, so the command never blocks on a full pipe). */
export const MAX_OUTPUT_BYTES = 10 * 1024 * 1024;

/** Keeps the first `limit` bytes written to it and counts the rest. */
export class OutputCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly limit = MAX_OUTPUT_BYTES) {}

  /** Takes a chunk; the part past the limit is dropped. */
  push(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room <= 0) {
      this.dropped += chunk.length;
      return;
    }
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
    this.dropped += chunk.length - part.length;
  }

  /** Bytes kept so far. */
  get size(): number {
    return this.kept;
  }

  /** True once something was dropped. */
  get truncated(): boolean {
    return this.dropped > 0;
  }

  /** The kept bytes as UTF-8 (a character cut at the limit becomes U+FFFD). */
  text(): string {
    return Buffer.concat(this.chunks, this.kept).toString('utf8');
  }
}
