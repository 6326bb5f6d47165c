/**
 * Temporary folders for tests, removed when the test that made them finishes (or, when made while
 * a file is collected or in a hook, after the file's tests), so a run leaves nothing behind in the
 * system's temp folder. vitest ends its workers without an `exit` event, so cleanup hangs on its hooks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const clean = () => rmSync(dir, { recursive: true, force: true });
  try {
    onTestFinished(clean);
  } catch {
    afterAll(clean);
  }
  return dir;
}
