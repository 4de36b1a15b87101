/** Small synchronous filesystem helpers with the store's permissions (dirs 0700, files 0600). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** Creates `dir` (and parents) with mode 0700; a directory we create gets exactly 0700 whatever the umask. */
export function ensureDir(dir: string): void {
  if (fs.existsSync(dir)) return;
  ensureDir(path.dirname(dir));
  try {
    fs.mkdirSync(dir, { mode: DIR_MODE });
    fs.chmodSync(dir, DIR_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Creates `file` exclusively (O_CREAT|O_EXCL, 0600) with `content`, fsynced. Returns false if it exists. */
export function createExclusive(file: string, content: string | Uint8Array): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.fchmodSync(fd, FILE_MODE);
    fs.writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

export function tempName(dir: string, base: string): string {
  return path.join(dir, `${base}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Writes `content` to a fresh temp file (0600) beside `file` and fsyncs it; returns the temp path. */
function writeTempBeside(file: string, content: string | Uint8Array): string {
  const tmp = tempName(path.dirname(file), path.basename(file));
  const fd = fs.openSync(tmp, 'wx', FILE_MODE);
  try {
    fs.fchmodSync(fd, FILE_MODE);
    fs.writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fs.fsyncSync(fd);
  } catch (err) {
    // A full disk or a failed fsync leaves no partial temp file behind.
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  return tmp;
}

/** Writes a complete file crash-safely: temp file, fsync, rename over `file`, fsync the directory. */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const tmp = writeTempBeside(file, content);
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

/** Writes `file` only if absent, atomically (temp + fsync + link); returns false if another writer won. */
export function writeFileOnce(file: string, content: string | Uint8Array): boolean {
  const dir = path.dirname(file);
  const tmp = writeTempBeside(file, content);
  try {
    fs.linkSync(tmp, file);
    fsyncDir(dir);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    fs.unlinkSync(tmp);
  }
}
