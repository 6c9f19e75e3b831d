// Hiding values of secret-looking keys when a config is printed.

// `headers` (sandbox.headers) carry preview tokens and the like, whatever their names.
const SECRET = /_KEY$|TOKEN|SECRET|PASSWORD|^headers$/i;
// camelCase keys as provider factories spell them (`apiKey`, `accessKey`): `sandbox.options` passes them through.
const CAMEL_KEY = /[a-z0-9]Key$/;

/** What a hidden value is printed as. */
export const MASK = '***';

/** True for keys that look like they hold a secret: `*_KEY`, `*TOKEN*`, `*SECRET*`, `*PASSWORD*` (any case), `*Key`, `headers`. */
export function isSecretKey(key: string): boolean {
  return SECRET.test(key) || CAMEL_KEY.test(key);
}

/** A copy of `value` where every scalar under a secret-looking key is `***`. The input is not changed. */
export function maskSecrets(value: unknown, hidden = false): unknown {
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, hidden));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, maskSecrets(child, hidden || isSecretKey(key))]));
  }
  return hidden && value !== null && value !== undefined ? MASK : value;
}
