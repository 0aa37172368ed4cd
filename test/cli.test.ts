import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real `labelfleet` command, as a user runs it, on one embedded data dir.
const BIN = path.resolve('bin/labelfleet.js');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelfleet-cli-'));
const env = { ...process.env, LABELFLEET_DATA_DIR: dataDir, LOG_LEVEL: 'warn', PORT: '0', DATABASE_URL: '' };

const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });

function start(): Promise<{ proc: ChildProcess; url: string; output: () => string }> {
  const proc = spawn(process.execPath, [BIN, 'start'], { env });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const check = setInterval(() => {
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearInterval(check);
        resolve({ proc, url: m[1], output: () => out });
      }
    }, 50);
    proc.once('exit', (code) => {
      clearInterval(check);
      reject(new Error(`server exited with ${code}: ${out}`));
    });
  });
}

let server: Awaited<ReturnType<typeof start>>;
let token = '';

beforeAll(async () => {
  const created = run('user', 'create', '--email', 'cli@example.com', '--password', 'cli-pass-123', '--role', 'admin');
  expect(created.status, created.stderr).toBe(0);
  token = run('token', '--email', 'cli@example.com').stdout.trim();
  server = await start();
}, 120_000);

afterAll(async () => {
  if (server) {
    server.proc.kill('SIGTERM');
    await new Promise((r) => server.proc.once('exit', r));
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('labelfleet CLI', () => {
  it('prints a 40-hex API token for a user it created', () => {
    expect(token).toMatch(/^[0-9a-f]{40}$/);
  });

  it('refuses a second process on the same embedded data dir, naming the owner', () => {
    const second = run('start');
    expect(second.status).not.toBe(0);
    expect(second.stderr).toContain('Another LabelFleet process');
    expect(second.stderr).toContain(dataDir);
  });

  it('imports a CSV file and exports it back as CSV through the running server', async () => {
    const headers = { Authorization: `Token ${token}`, 'Content-Type': 'application/json' };
    const res = await fetch(`${server.url}/api/projects`, { method: 'POST', headers, body: JSON.stringify({ title: 'CLI', label_config: '<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="a"/></Choices></View>' }) });
    const project = (await res.json()) as { id: number };
    const csv = path.join(dataDir, 'in.csv');
    fs.writeFileSync(csv, 'text,score\n"hello, world",1\nsecond,2\n');
    const imported = run('import', String(project.id), csv, '--url', server.url, '--api-key', token);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('Imported 2 tasks');
    const out = path.join(dataDir, 'out.csv');
    const exported = run('export', String(project.id), '--format', 'CSV', '--out', out, '--url', server.url, '--api-key', token);
    expect(exported.status, exported.stderr).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0].trim()).toBe('"annotation_id","annotator","c","created_at","id","lead_time","score","text","updated_at"');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('"hello, world"');
  });

  it('explains a failed import with the server message', () => {
    const bad = path.join(dataDir, 'bad.json');
    fs.writeFileSync(bad, '[{"other": 1}]');
    const res = run('import', '1', bad, '--url', server.url, '--api-key', token);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('"text" key is expected in task data');
  });
});
