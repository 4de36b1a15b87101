/**
 * Temp directories that never outlive their test: .ci/run lists anything a test run leaves in the temp
 * folder (os.tmpdir()), and with TEMP_LEAKS=fail fails the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';

/** A fresh directory under os.tmpdir() named `<prefix>XXXXXX`, removed when the current test finishes (passed or failed). */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
