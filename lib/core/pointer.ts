/**
 * JSON Pointer (RFC 6901) tokens: validation errors name fields by pointer, and label keys such as
 * `app.kubernetes.io/name` hold `/`, so every token is escaped the same way everywhere.
 */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `['labels', 'a/b']` → `/labels/a~1b`. */
export function pointerOf(path: readonly PropertyKey[]): string {
  return path.map((p) => '/' + escapePointerToken(String(p))).join('');
}
