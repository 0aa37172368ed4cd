/**
 * S3 import storage sync at scale, against the real radosgw of the tests (scripts/s3-server.sh).
 *   node bin/run-ts.js bench/s3-sync.ts [--objects 100000] [--db postgres|pglite] [--blob]
 * Puts N JSON task objects (`tasks/000001.json`, ~120 bytes each) into a fresh bucket (setup, timed apart),
 * creates a project and an S3 import storage through the API of an in-process server, then times the sync
 * job (the same function the worker runs) three times: the first sync, a re-sync with nothing changed, and a
 * re-sync after 1% of the objects were rewritten. Prints wall time, tasks imported, and the S3 requests
 * each sync sent (GetObject must equal the changed objects only; ListObjectsV2 pages of 1,000 keys).
 * The bucket is emptied and removed at the end (radosgw's memstore holds it in memory).
 * `--blob`: use_blob_urls (one task per object, nothing read). PostgreSQL on 127.0.0.1:5432 by default.
 */
import { performance } from 'node:perf_hooks';
import { emptyBucket, putObject, s3CommandCounts } from '../src/server/s3/client.js';
import { runStorageSync } from '../src/server/modules/storage/jobs.js';
import { makeProject, startTestServer } from '../src/server/testing/harness.js';
import { freshBucket, requireS3 } from '../src/server/testing/s3.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const N = Number(arg('objects', '100000'));
const DB = arg('db', 'postgres');
const BLOB = args.includes('--blob');
process.env.LABELFLEET_TEST_DB = DB;

const key = (i: number) => `tasks/${String(i).padStart(6, '0')}.json`;
const body = (i: number, version: number) => JSON.stringify({ text: `Task ${i}, version ${version}: the quick brown fox jumps over the lazy dog` });

async function putMany(s3: Awaited<ReturnType<typeof requireS3>>, bucket: string, ids: number[], version: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < ids.length) {
        const i = ids[next++];
        await putObject(s3.client, bucket, key(i), body(i, version));
      }
    }),
  );
  return performance.now() - started;
}

const counts = () => s3CommandCounts();
const delta = (before: Record<string, number>, name: string) => (counts()[name] ?? 0) - (before[name] ?? 0);

async function main() {
  const s3 = await requireS3();
  const bucket = await freshBucket('bench-sync');
  const all = Array.from({ length: N }, (_, i) => i + 1);
  const putMs = await putMany(s3, bucket, all, 1);
  console.log(`setup: put ${N} objects in ${(putMs / 1000).toFixed(1)} s (${Math.round(N / (putMs / 1000))}/s, 64 in flight)`);

  const server = await startTestServer();
  try {
    const project = await makeProject(server, BLOB ? { config: '<View><Text name="text" value="$text"/></View>' } : {});
    const res = await server.request({
      method: 'POST',
      url: '/api/storages/s3',
      payload: { project: project.id, bucket, prefix: 'tasks', use_blob_urls: BLOB, s3_endpoint: s3.endpoint, aws_access_key_id: s3.accessKeyId, aws_secret_access_key: s3.secretAccessKey },
    });
    if (res.statusCode !== 201) throw new Error(`storage create failed: ${res.statusCode} ${res.body}`);
    const storageId = res.json().id as number;
    const orgId = (await server.ctx.db.query<{ organization_id: number }>('SELECT organization_id FROM projects WHERE id = $1', [project.id]))[0].organization_id;

    const rows: string[][] = [];
    const timeSync = async (label: string) => {
      const before = counts();
      const started = performance.now();
      const storage = await runStorageSync(server.ctx.db, { storageId, orgId });
      const ms = performance.now() - started;
      if (storage?.status !== 'completed') throw new Error(`${label}: sync ${storage?.status}: ${storage?.traceback}`);
      rows.push([label, `${(ms / 1000).toFixed(2)} s`, String(storage.last_sync_count), String(delta(before, 'ListObjectsV2Command')), String(delta(before, 'GetObjectCommand'))]);
    };

    await timeSync('first sync');
    await timeSync('re-sync, nothing changed');
    const changed = all.filter((i) => i % 100 === 0);
    await putMany(s3, bucket, changed, 2);
    await timeSync(`re-sync, 1% changed (${changed.length})`);

    console.log(`\nS3 import sync of ${N} objects on ${DB}${BLOB ? ' (use_blob_urls)' : ' (JSON tasks)'}`);
    const head = ['sync', 'time', 'tasks imported', 'ListObjectsV2', 'GetObject'];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    for (const r of [head, ...rows]) console.log(r.map((v, c) => v.padEnd(widths[c])).join('  '));
  } finally {
    await server.close();
    // the test server keeps objects in memory (memstore): give the room back
    await emptyBucket(s3.client, bucket);
  }
}

await main();
