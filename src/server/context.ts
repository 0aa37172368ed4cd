import type { Config } from './config.js';
import type { Db } from './db/connection.js';

/** What services need from the running server: the database, the config and this instance's secrets. */
export interface Ctx {
  db: Db;
  config: Config;
  jwtKey: Uint8Array;
}
