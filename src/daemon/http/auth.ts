// Bearer token checks for the TCP listener (the unix socket is protected by its file mode instead).
import { createHash, timingSafeEqual } from 'node:crypto';

/** True when an `Authorization` header carries exactly `Bearer <token>`; compared in constant time. */
export function hasBearerToken(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  if (!match) return false;
  // Digests have equal lengths, so timingSafeEqual never throws and the token's length does not leak either.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(match[1] as string), digest(token));
}
