import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir } from './lock.js';

const LOCK_MODULE = fileURLToPath(new URL('./lock.ts', import.meta.url));

const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelfleet-lock-'));
  dirs.push(dir);
  return dir;
}

const lockFile = (dir: string) => path.join(dir, 'labelfleet.lock');

/** Another process that takes the lock on `dir` and holds it until killed. */
async function lockInChild(dir: string): Promise<ChildProcess & { pid: number }> {
  const script = `const { lockDataDir } = await import(${JSON.stringify(LOCK_MODULE)}); lockDataDir(process.argv[1]); console.log('locked'); setInterval(() => {}, 1 << 30);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = once(child, 'exit').then(() => {
    throw new Error(`the child exited before locking: ${stderr}`);
  });
  await Promise.race([once(child.stdout!, 'data'), exited]);
  exited.catch(() => undefined);
  return child as ChildProcess & { pid: number };
}

async function kill(child: ChildProcess): Promise<void> {
  const exit = once(child, 'exit');
  child.kill('SIGKILL');
  await exit;
}

describe('the data-dir lock', () => {
  it('writes its pid into the lock file, and releasing removes the file', () => {
    const dir = tempDir();
    const release = lockDataDir(dir);
    expect(fs.readFileSync(lockFile(dir), 'utf8')).toBe(String(process.pid));
    release();
    expect(fs.existsSync(lockFile(dir))).toBe(false);
  });

  it('creates a data dir that does not exist yet', () => {
    const dir = path.join(tempDir(), 'nested', 'data');
    const release = lockDataDir(dir);
    expect(fs.existsSync(lockFile(dir))).toBe(true);
    release();
  });

  it('refuses a second lock while the owning process is alive, naming its pid and the dir', async () => {
    const dir = tempDir();
    const child = await lockInChild(dir);
    expect(fs.readFileSync(lockFile(dir), 'utf8')).toBe(String(child.pid));
    expect(() => lockDataDir(dir)).toThrow(`Another LabelFleet process (pid ${child.pid}) is already using the embedded database in ${dir}`);
    expect(fs.readFileSync(lockFile(dir), 'utf8')).toBe(String(child.pid));
  });

  it('takes over a stale lock whose process has died', async () => {
    const dir = tempDir();
    const child = await lockInChild(dir);
    await kill(child);
    expect(fs.readFileSync(lockFile(dir), 'utf8')).toBe(String(child.pid));
    const release = lockDataDir(dir);
    expect(fs.readFileSync(lockFile(dir), 'utf8')).toBe(String(process.pid));
    release();
  });

  it('refuses a second lock on the same dir within one process', () => {
    const dir = tempDir();
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(`(pid ${process.pid}) already uses the embedded database in ${dir}`);
    expect(() => lockDataDir(`${dir}${path.sep}.`)).toThrow(/already uses/);
    release();
    lockDataDir(dir)();
  });

  it('takes over a lock left with this very pid by an earlier process (pid reuse after a restart)', () => {
    const dir = tempDir();
    fs.writeFileSync(lockFile(dir), String(process.pid));
    const release = lockDataDir(dir);
    release();
    expect(fs.existsSync(lockFile(dir))).toBe(false);
  });

  it('takes over an empty or unreadable lock file', () => {
    const dir = tempDir();
    for (const content of ['', 'not a pid', '-5']) {
      fs.writeFileSync(lockFile(dir), content);
      const release = lockDataDir(dir);
      expect(fs.readFileSync(lockFile(dir), 'utf8')).toBe(String(process.pid));
      release();
    }
  });

  it('releases only a lock that is still its own, and releasing twice is harmless', async () => {
    const dir = tempDir();
    const release = lockDataDir(dir);
    fs.rmSync(lockFile(dir)); // taken over behind our back by a live process
    const child = await lockInChild(dir);
    release();
    expect(fs.readFileSync(lockFile(dir), 'utf8')).toBe(String(child.pid));
    release();
    expect(fs.readFileSync(lockFile(dir), 'utf8')).toBe(String(child.pid));
  });
});
