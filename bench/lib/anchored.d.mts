/** The text of a compose file of at most (nearly) `bytes` bytes that uses anchors, aliases and merge keys throughout. */
export function anchoredFile(bytes?: number): string;
