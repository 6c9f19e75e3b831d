// The one error class of the SDK client: what the daemon answered (status and message), or that it could not be reached.

/** A failed call to a sandbox daemon. `status` is the HTTP status, or 0 when the daemon could not be reached. */
export class SandboxApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly request: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SandboxApiError';
  }

  /** True when the daemon did not answer at all (no socket, connection refused or reset). */
  get unreachable(): boolean {
    return this.status === 0;
  }
}
