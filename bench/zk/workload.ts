// The benchmark's phases and which request each session sends next in each of them.
import type { JuteWriter } from '../../src/zookeeper/jute/index.js';
import { writeCreate, writeDelete, writeExists, writeGetData, writeSetData } from './zk-frames.js';

export const OPS = ['create', 'setData', 'getData', 'exists', 'delete'] as const;
export type OpName = (typeof OPS)[number];
export const OP_CREATE = 0;
export const OP_SET_DATA = 1;
export const OP_GET_DATA = 2;
export const OP_EXISTS = 3;
export const OP_DELETE = 4;

export const ROOT_PATH = '/zkbench';
export const NODE_DATA_BYTES = 100;

export type PhaseName = 'setup' | 'warmup' | 'create' | 'setData' | 'getData' | 'exists' | 'reads' | 'writes' | 'delete';

export interface PhaseInfo {
  name: PhaseName;
  /** Printed in the table; setup and warmup are not. */
  reported: boolean;
  description: string;
  /** Errors are part of the phase (setup: /zkbench exists already for all but one session). */
  errorsExpected: boolean;
}

export const PHASES: PhaseInfo[] = [
  { name: 'setup', reported: false, description: 'create /zkbench and one parent per session', errorsExpected: true },
  { name: 'warmup', reported: false, description: 'create, getData, setData, exists, delete on scratch nodes', errorsExpected: false },
  { name: 'create', reported: true, description: `create ${NODE_DATA_BYTES}-byte persistent nodes`, errorsExpected: false },
  { name: 'setData', reported: true, description: `setData ${NODE_DATA_BYTES} bytes, version -1`, errorsExpected: false },
  { name: 'getData', reported: true, description: 'getData, no watch', errorsExpected: false },
  { name: 'exists', reported: true, description: 'exists, no watch', errorsExpected: false },
  { name: 'reads', reported: true, description: 'read-only mix: getData and exists alternately', errorsExpected: false },
  { name: 'writes', reported: true, description: 'write-only mix: create, setData, delete in turn', errorsExpected: false },
  { name: 'delete', reported: true, description: 'delete every node the create phase made (bounded by count and time)', errorsExpected: false },
];

export const NODE_DATA = Buffer.alloc(NODE_DATA_BYTES, 0x61);

/** What the workload needs to know of one session. */
export interface SessionCursor {
  readonly base: string;
  /** Nodes base/n0 … base/n{nodes-1} made by the create phase. */
  nodes: number;
  /** Requests issued so far in the current phase. */
  issued: number;
}

/**
 * Writes the session's next request of `phase` and returns its op index, or -1 when the session has no
 * more to send in this phase.
 */
export function writeNextOp(phase: PhaseName, s: SessionCursor, w: JuteWriter, xid: number): number {
  const i = s.issued;
  const nodes = s.nodes > 0 ? s.nodes : 1;
  switch (phase) {
    case 'setup':
      if (i === 0) writeCreate(w, xid, ROOT_PATH, NODE_DATA.subarray(0, 0));
      else if (i === 1) writeCreate(w, xid, s.base, NODE_DATA.subarray(0, 0));
      else return -1;
      return OP_CREATE;
    case 'warmup': {
      const path = `${s.base}/w${(i / 5) | 0}`;
      switch (i % 5) {
        case 0: writeCreate(w, xid, path, NODE_DATA); return OP_CREATE;
        case 1: writeGetData(w, xid, path); return OP_GET_DATA;
        case 2: writeSetData(w, xid, path, NODE_DATA); return OP_SET_DATA;
        case 3: writeExists(w, xid, path); return OP_EXISTS;
        default: writeDelete(w, xid, path); return OP_DELETE;
      }
    }
    case 'create':
      writeCreate(w, xid, `${s.base}/n${s.nodes++}`, NODE_DATA);
      return OP_CREATE;
    case 'setData':
      writeSetData(w, xid, `${s.base}/n${i % nodes}`, NODE_DATA);
      return OP_SET_DATA;
    case 'getData':
      writeGetData(w, xid, `${s.base}/n${i % nodes}`);
      return OP_GET_DATA;
    case 'exists':
      writeExists(w, xid, `${s.base}/n${i % nodes}`);
      return OP_EXISTS;
    case 'reads': {
      const path = `${s.base}/n${(i >>> 1) % nodes}`;
      if ((i & 1) === 0) {
        writeGetData(w, xid, path);
        return OP_GET_DATA;
      }
      writeExists(w, xid, path);
      return OP_EXISTS;
    }
    case 'writes': {
      // Cut by the clock, the mix may leave a last base/m{j} behind; later phases never touch m-paths.
      const j = (i / 3) | 0;
      switch (i % 3) {
        case 0: writeCreate(w, xid, `${s.base}/m${j}`, NODE_DATA); return OP_CREATE;
        case 1: writeSetData(w, xid, `${s.base}/n${j % nodes}`, NODE_DATA); return OP_SET_DATA;
        default: writeDelete(w, xid, `${s.base}/m${j}`); return OP_DELETE;
      }
    }
    case 'delete':
      if (i >= s.nodes) return -1;
      writeDelete(w, xid, `${s.base}/n${i}`);
      return OP_DELETE;
  }
}

export function phaseInfo(name: PhaseName): PhaseInfo {
  return PHASES.find((p) => p.name === name)!;
}
