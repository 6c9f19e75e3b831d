// A deadline for one probe, joined with the monitor's stop signal.

/** A signal that aborts after `timeoutMs` or when `parent` aborts; call `clear` once the probe has settled. */
export function probeDeadline(timeoutMs: number, parent?: AbortSignal): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(new Error('probe cancelled'));
  if (parent?.aborted) onParentAbort();
  parent?.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      // Why: the monitor's signal lives as long as the unit; a listener left per probe would pile up on it.
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/** The reason a deadline signal gives, as a message. */
export function abortMessage(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : 'probe aborted';
}
