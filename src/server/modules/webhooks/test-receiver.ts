import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver saw it. */
export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
}

/**
 * A real HTTP receiver on 127.0.0.1 for tests. It answers the first `failFirst` requests with 503 (the
 * application behind it never sees those) and the rest with 200; `delivered` is what the application got.
 */
export interface Receiver {
  url: string;
  /** every request, failed ones included */
  requests: Received[];
  /** what the application accepted */
  delivered: Received[];
  failNext: (n: number) => void;
  close: () => Promise<void>;
}

export async function startReceiver(opts: { failFirst?: number; respond?: (r: Received) => { status: number; body: unknown } | null } = {}): Promise<Receiver> {
  let failures = opts.failFirst ?? 0;
  const requests: Received[] = [];
  const delivered: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        body = { unparsable: raw };
      }
      const entry: Received = { path: req.url ?? '/', headers: req.headers, raw, body };
      requests.push(entry);
      if (failures > 0) {
        failures--;
        res.writeHead(503, { 'content-type': 'text/plain' }).end('temporarily unavailable');
        return;
      }
      const custom = opts.respond?.(entry);
      if (custom) {
        res.writeHead(custom.status, { 'content-type': 'application/json' }).end(JSON.stringify(custom.body));
        if (custom.status >= 200 && custom.status < 300) delivered.push(entry);
        return;
      }
      delivered.push(entry);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    delivered,
    failNext: (n) => {
      failures = n;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
