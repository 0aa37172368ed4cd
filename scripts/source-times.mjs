// Newest modification time under a set of paths, and a build's own time: shared by the build scripts
// and bin/labelfleet.js to decide whether a build is stale.
import fs from 'node:fs';
import path from 'node:path';

export function newestMtime(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

export function builtAt(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

export const SERVER_SOURCES = ['src/server', 'src/cli', 'package-lock.json'];
export const SERVER_BUNDLE = 'dist/server/labelfleet.mjs';

/** True when the server bundle exists and no server source is newer. */
export function serverBundleFresh(root) {
  const built = builtAt(path.join(root, SERVER_BUNDLE));
  return built > 0 && built >= Math.max(...SERVER_SOURCES.map((p) => newestMtime(path.join(root, p))));
}
