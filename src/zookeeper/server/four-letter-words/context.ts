// What a four-letter word can see: the running server and how it was started.
import type { Server } from 'node:net';
import type { ZooKeeperConfig } from '../../../config/zookeeper-config.js';
import type { ServerConnection } from '../connection.js';
import type { ZooKeeperServer } from '../zookeeper-server.js';

export interface FourLetterContext {
  server: ZooKeeperServer;
  config: ZooKeeperConfig;
  version: string;
  startedMs: number;
  address: { host: string; port: number };
  listener: Server;
  snapDir: string;
  logDir: string;
}

/** One word being answered: the context plus the connection that asked (it shows up in stat and cons). */
export interface FourLetterCall {
  ctx: FourLetterContext;
  conn: ServerConnection;
}

export type FourLetterCommand = (call: FourLetterCall) => string;
