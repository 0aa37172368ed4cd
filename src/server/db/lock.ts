import fs from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'labelfleet.lock';

/** Lock files this process holds: its pid alone cannot tell them from a stale lock of an earlier process with the same pid. */
const held = new Set<string>();

/**
 * One process per embedded data dir: PGlite lets a second process open the same files and silently
 * loses writes. The lock file holds the owner's pid; a lock whose process is gone is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(path.resolve(dataDir), LOCK_FILE);
  if (held.has(file)) throw new Error(`This process (pid ${process.pid}) already uses the embedded database in ${dataDir}.`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      held.add(file);
      return () => release(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = ownerOf(file);
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new Error(
          `Another LabelFleet process (pid ${owner}) is already using the embedded database in ${dataDir}.\n` +
            'Stop it first, or give this one its own LABELFLEET_DATA_DIR, or use PostgreSQL with DATABASE_URL for several processes.',
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${file}`);
}

/** Removes the lock only while it is still ours; releasing twice is harmless. */
function release(file: string): void {
  if (!held.delete(file)) return;
  if (ownerOf(file) === process.pid) fs.rmSync(file, { force: true });
}

/** The pid in a lock file; null when it is gone or unreadable (a stale lock). */
function ownerOf(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
