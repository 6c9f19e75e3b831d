// Errors the daemon reports to its clients, each with the HTTP status it maps to.

/** An error with an HTTP status; the message is shown to the user as is. */
export class DaemonError extends Error {
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DaemonError';
  }
}

/** 400: the request is malformed or asks for something invalid (the message names the field). */
export const badRequest = (message: string) => new DaemonError(400, message);
/** 403: the request would reach outside the sandbox. */
export const forbidden = (message: string) => new DaemonError(403, message);
/** 404: no such unit, overlay or file. */
export const notFound = (message: string) => new DaemonError(404, message);
/** 409: the request conflicts with the current state (e.g. a unit owned by another project). */
export const conflict = (message: string) => new DaemonError(409, message);
