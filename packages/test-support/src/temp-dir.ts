/**
 * Temp directories that never outlive their test: .ci/run lists anything a test run leaves in the temp
 * folder (os.tmpdir()), and with TEMP_LEAKS=fail fails the run.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * Removing a directory can take long: the packed-install test's app holds ~40,000 files, which took 7-11 s
 * to delete on Node 20 and over 60 s (vitest's default hook timeout) on a loaded 2-core machine. The
 * asynchronous `rm` is about twice as fast there, and the hook gets this much time.
 */
const REMOVE_TIMEOUT_MS = 300_000;

/** A fresh directory under os.tmpdir() named `<prefix>XXXXXX`, removed when the current test finishes (passed or failed). */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }), REMOVE_TIMEOUT_MS);
  return dir;
}
