import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The checkout's root: the nearest folder above this file with a package.json (sources and bundle alike). */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** Where `vite build` writes the web app (vite.config.ts); `npm start` builds it first when it is missing or stale. */
export const WEB_DIST_DIR = path.join(projectRoot(), 'dist/web');

/** Paths the server answers itself: a miss under them is the API's 404, never the app's page. */
const SERVER_PATHS = ['/api', '/user', '/data', '/docs', '/health', '/version', '/assets'];

function isServerPath(p: string): boolean {
  return SERVER_PATHS.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));
}

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LabelFleet</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto"><h1>LabelFleet</h1>
<p>The web app is not built. Run <code>npm run build:web</code> (or restart with <code>npm start</code>, which builds it), then reload.</p>
<p>The API is up: <a href="/docs">API documentation</a>.</p></body></html>`;

/** index.html of the single-page app for a client route (`/projects/3/data`); anonymous visitors go to the login form. */
async function sendApp(req: FastifyRequest, reply: FastifyReply) {
  if (!req.actor) return reply.redirect('/user/login', 302);
  let html: string;
  try {
    // read on every request: it is small, and a rebuild while the server runs is picked up at once
    html = await fs.promises.readFile(path.join(WEB_DIST_DIR, 'index.html'), 'utf8');
  } catch {
    // 200, not 503: clients that log in through the form (Label Studio's legacy SDK) need a 2xx after the redirect
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT_PAGE);
  }
  return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(html);
}

/**
 * Serves the built web app on the API's port: hashed files under /assets/ with a year-long cache,
 * and index.html for every other GET that no route claims (the app's client routes).
 */
export async function registerWeb(app: FastifyInstance): Promise<void> {
  const assets = path.join(WEB_DIST_DIR, 'assets');
  if (fs.existsSync(assets)) {
    await app.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      cacheControl: false,
      setHeaders: (reply) => reply.header('cache-control', 'public, max-age=31536000, immutable'),
    });
  }

  const publicRoute = { config: { public: true }, schema: { hide: true } };
  app.get('/*', publicRoute, async (req, reply) => {
    const p = req.url.split('?')[0].replace(/\/{2,}/g, '/');
    // a missing file (a dot in the last segment) or a server path is a real 404
    if (isServerPath(p) || path.posix.basename(p).includes('.')) return reply.callNotFound();
    return sendApp(req, reply);
  });

  app.get('/', publicRoute, sendApp);
}
