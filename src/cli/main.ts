import { Command } from 'commander';
import { loadConfig } from '../server/config.js';
import { startServer } from '../server/main.js';
import { exportCommand, importCommand } from './transfer.js';
import { createUserCommand, tokenCommand } from './users.js';
import { workerCommand } from './worker.js';

const program = new Command('labelfleet').description('LabelFleet: a data labeling server that speaks the Label Studio API');

program
  .command('start')
  .description('start the server (embedded database unless DATABASE_URL is set)')
  .option('-p, --port <port>', 'port (PORT, default 8080)')
  .option('--host <host>', 'address to bind (HOST, default 127.0.0.1)')
  .option('-d, --data-dir <dir>', 'embedded database and files (LABELFLEET_DATA_DIR, default ./data)')
  .option('--database-url <url>', 'postgres:// URL (DATABASE_URL)')
  .option('--username <email>', 'first admin email (LABELFLEET_USERNAME)')
  .option('--password <password>', 'first admin password (LABELFLEET_PASSWORD)')
  .option('--user-token <token>', 'first admin API token (LABELFLEET_USER_TOKEN)')
  .action(async (opts) => {
    const config = loadConfig(process.env, {
      port: opts.port,
      host: opts.host,
      dataDir: opts.dataDir,
      databaseUrl: opts.databaseUrl,
      adminEmail: opts.username,
      adminPassword: opts.password,
      adminToken: opts.userToken,
    });
    const running = await startServer(config);
    const where = config.databaseUrl ? 'PostgreSQL' : `embedded database in ${config.dataDir}`;
    console.log(`LabelFleet is running at ${running.url} (${where})`);
    console.log(`API docs: ${running.url}/docs`);
    if (running.admin) {
      const a = running.admin;
      console.log(a.created ? `Created the first admin: ${a.email}` : `Admin: ${a.email}`);
      if (a.password) console.log(`  password: ${a.password}   (log in at ${running.url}/user/login, then change it)`);
      console.log(`  API token: ${a.token}   (Authorization: Token ${a.token})`);
    }
    const shutdown = () => {
      running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });

program
  .command('worker')
  .description('run background jobs (storage syncs, webhooks, ML) without serving HTTP; needs DATABASE_URL')
  .option('--database-url <url>', 'postgres:// URL (DATABASE_URL)')
  .action(async (opts) => {
    await workerCommand(loadConfig(process.env, { databaseUrl: opts.databaseUrl }));
  });

const user = program.command('user').description('manage users');
user
  .command('create')
  .description('create a user in the default organization')
  .requiredOption('--email <email>')
  .option('--password <password>')
  .option('--role <role>', 'owner, admin, manager, reviewer or annotator', 'annotator')
  .option('--token <token>', 'use this API token')
  .action(createUserCommand);

program.command('token').description("print a user's API token").requiredOption('--email <email>').option('--reset', 'replace it with a new one').action(tokenCommand);

const remote = (c: Command) =>
  c
    .option('--url <url>', 'server URL (LABEL_STUDIO_URL)', process.env.LABEL_STUDIO_URL ?? process.env.LABELFLEET_URL ?? 'http://127.0.0.1:8080')
    .option('--api-key <key>', 'API token (LABEL_STUDIO_API_KEY)', process.env.LABEL_STUDIO_API_KEY ?? process.env.LABELFLEET_API_KEY);

remote(program.command('import <projectId> <source>').description('import tasks from a file (JSON, CSV, TSV, TXT) or a URL')).action(importCommand);
remote(program.command('export <projectId>').description('export a project').option('-f, --format <format>', 'JSON, JSON_MIN, CSV or TSV', 'JSON').requiredOption('-o, --out <file>').option('--all', 'include tasks without annotations', true)).action(exportCommand);

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`labelfleet: ${err.message}`);
  process.exit(1);
});
