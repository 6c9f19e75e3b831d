/** The text of a compose file of about `bytes` bytes that uses anchors, aliases and merge keys throughout. */
export function anchoredFile(bytes?: number): string;
