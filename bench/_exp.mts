import pg from 'pg';
import { openPostgres } from '../src/server/db/connection.js';
import { migrate } from '../src/server/db/migrate.js';
import { taskPages } from '../src/server/modules/exports/task-rows.js';
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS lf_prof WITH (FORCE)'); await admin.query('CREATE DATABASE lf_prof');
const db = await openPostgres('postgres://postgres@127.0.0.1:5432/lf_prof');
await migrate(db);
await db.exec(`INSERT INTO organizations(title) VALUES ('o'); INSERT INTO users(email, username, active_organization) VALUES ('a','a',1); INSERT INTO projects(organization_id, title) VALUES (1,'p');
INSERT INTO tasks(project_id, inner_id, data) SELECT 1, g, jsonb_build_object('text', 'Review ' || g || ': the quick brown fox jumps over a lazy dog while customers write long reviews about shipping delays and product quality the quick brown fox', 'source','bench') FROM generate_series(1,100000) g;
INSERT INTO annotations (task_id, project_id, result, completed_by, lead_time) SELECT id, 1, '[{"from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["positive"]}}]'::jsonb, 1, 3.5 FROM tasks; UPDATE tasks SET total_annotations = 1;
ANALYZE;`);
let t = performance.now(); let n = 0;
for await (const b of taskPages(db, { projectId: 1, allTasks: true })) n += b.count;
console.log('generator', n, (performance.now() - t).toFixed(0), 'ms');
t = performance.now();
let after = 0;
for (;;) { const r = await db.query<{id:number}>(`SELECT t.id, t.data::text FROM tasks t WHERE project_id=1 AND id > $1 ORDER BY id LIMIT 1000`, [after]); if (!r.length) break; after = r[r.length-1].id; }
console.log('tasks only', (performance.now() - t).toFixed(0));
t = performance.now(); after = 0;
for (;;) { const r = await db.query<{id:number}>(`SELECT t.id, t.data::text, to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM tasks t WHERE project_id=1 AND id > $1 ORDER BY id LIMIT 1000`, [after]); if (!r.length) break; after = r[r.length-1].id;
 await db.query(`SELECT a.task_id, a.result::text FROM annotations a WHERE a.task_id = ANY($1::bigint[])`, [r.map(x=>x.id)]); }
console.log('tasks+ann', (performance.now() - t).toFixed(0));
t = performance.now(); after = 0;
for (;;) { const r = await db.query<{id:number}>(`SELECT t.id, t.data::text, to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM tasks t WHERE project_id=1 AND id > $1 ORDER BY id LIMIT 1000`, [after]); if (!r.length) break; after = r[r.length-1].id;
 await db.query(`SELECT a.task_id, json_build_object('id', a.id, 'completed_by', a.completed_by, 'result', a.result, 'was_cancelled', a.was_cancelled, 'ground_truth', a.ground_truth, 'created_at', to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'updated_at', to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'lead_time', a.lead_time, 'unique_id', a.unique_id, 'task', a.task_id, 'project', a.project_id, 'parent_prediction', a.parent_prediction)::text AS j FROM annotations a WHERE a.task_id = ANY($1::bigint[])`, [r.map(x=>x.id)]); }
console.log('tasks+ann built in pg', (performance.now() - t).toFixed(0));
t = performance.now(); after = 0;
for (;;) { const r = await db.query<{id:number}>(`SELECT t.id, t.data::text, to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM tasks t WHERE project_id=1 AND id > $1 ORDER BY id LIMIT 1000`, [after]); if (!r.length) break; after = r[r.length-1].id;
 await db.query(`SELECT a.task_id, concat('{"id":', a.id, ',"completed_by":', coalesce(a.completed_by::text, 'null'), ',"result":', a.result::text, ',"was_cancelled":', a.was_cancelled, ',"created_at":"', to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '","updated_at":"', to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '","lead_time":', coalesce(a.lead_time::text, 'null'), ',"unique_id":"', a.unique_id, '"}') AS j FROM annotations a WHERE a.task_id = ANY($1::bigint[])`, [r.map(x=>x.id)]); }
console.log('tasks+ann concat in pg', (performance.now() - t).toFixed(0));
t = performance.now(); after = 0;
for (;;) { const r = await db.query<{id:number}>(`SELECT t.id, t.data::text, to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM tasks t WHERE project_id=1 AND id > $1 ORDER BY id LIMIT 1000`, [after]); if (!r.length) break; after = r[r.length-1].id;
 await db.query(`SELECT a.task_id, a.id, a.completed_by, a.result::text, a.was_cancelled, a.created_at, a.updated_at, a.lead_time, a.unique_id FROM annotations a WHERE a.task_id = ANY($1::bigint[])`, [r.map(x=>x.id)]); }
console.log('tasks+ann raw cols', (performance.now() - t).toFixed(0));
t = performance.now(); after = 0;
for (;;) { const r = await db.query<{id:number}>(`SELECT t.id, t.data::text, to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM tasks t WHERE project_id=1 AND id > $1 ORDER BY id LIMIT 1000`, [after]); if (!r.length) break; after = r[r.length-1].id;
 await db.query(`SELECT a.task_id, a.id, a.completed_by, a.result::text, a.was_cancelled, a.lead_time, a.unique_id, to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM annotations a WHERE a.task_id BETWEEN $1 AND $2 AND a.project_id = 1 ORDER BY a.task_id, a.id`, [r[0].id, after]); }
console.log('tasks+ann range', (performance.now() - t).toFixed(0));
const TS = (c: string) => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
t = performance.now(); after = 0; let bytes = 0;
for (;;) {
  const r = await db.query<{ last: number | null; n: number; body: string }>(`WITH page AS (SELECT * FROM tasks t WHERE project_id = 1 AND id > $1 ORDER BY id LIMIT 1000),
   ann AS (SELECT a.task_id, string_agg(concat('{"id":', a.id, ',"completed_by":', coalesce(a.completed_by::text, 'null'), ',"result":', a.result::text, ',"was_cancelled":', a.was_cancelled, ',"ground_truth":', a.ground_truth, ',"created_at":"', ${TS('a.created_at')}, '","updated_at":"', ${TS('a.updated_at')}, '","lead_time":', coalesce(a.lead_time::text, 'null'), ',"unique_id":"', a.unique_id, '"}'), ',' ORDER BY a.id) AS j
     FROM annotations a WHERE a.task_id IN (SELECT id FROM page) GROUP BY a.task_id)
   SELECT max(p.id) AS last, count(*)::int AS n, string_agg(concat('{"id":', p.id, ',"annotations":[', ann.j, '],"data":', p.data::text, ',"meta":', p.meta::text, ',"created_at":"', ${TS('p.created_at')}, '","inner_id":', p.inner_id, '}'), ',' ORDER BY p.id) AS body
   FROM page p LEFT JOIN ann ON ann.task_id = p.id`, [after]);
  if (!r[0].n) break; after = r[0].last!; bytes += r[0].body.length;
}
console.log('one text per page', (performance.now() - t).toFixed(0), bytes);
await db.close(); await admin.query('DROP DATABASE lf_prof WITH (FORCE)'); await admin.end();
