// Which record follows the header of each client-protocol frame, and one generic path that decodes and
// encodes whole frames from that table.
import { codecOf, type RecordName } from './codec.js';
import { MarshallingError } from './errors.js';
import { JuteReader } from './reader.js';
import { JuteWriter } from './writer.js';
import { OpCode, Xid } from './constants.js';
import type { ConnectRequest, ConnectResponse, MultiHeader, ReplyHeader, RequestHeader } from './records.generated.js';

/** Request body record per opcode; null = no body. multi and multiRead are in MULTI_OPS instead. */
export const REQUEST_RECORD: Record<number, RecordName | null> = {
  [OpCode.create]: 'CreateRequest',
  [OpCode.delete]: 'DeleteRequest',
  [OpCode.exists]: 'ExistsRequest',
  [OpCode.getData]: 'GetDataRequest',
  [OpCode.setData]: 'SetDataRequest',
  [OpCode.getACL]: 'GetACLRequest',
  [OpCode.setACL]: 'SetACLRequest',
  [OpCode.getChildren]: 'GetChildrenRequest',
  [OpCode.sync]: 'SyncRequest',
  [OpCode.ping]: null,
  [OpCode.getChildren2]: 'GetChildren2Request',
  [OpCode.check]: 'CheckVersionRequest',
  [OpCode.create2]: 'CreateRequest',
  [OpCode.reconfig]: 'ReconfigRequest',
  [OpCode.checkWatches]: 'CheckWatchesRequest',
  [OpCode.removeWatches]: 'RemoveWatchesRequest',
  [OpCode.createContainer]: 'CreateRequest',
  [OpCode.deleteContainer]: 'DeleteContainerRequest',
  [OpCode.createTTL]: 'CreateTTLRequest',
  [OpCode.auth]: 'AuthPacket',
  [OpCode.setWatches]: 'SetWatches',
  [OpCode.sasl]: 'GetSASLRequest',
  [OpCode.getEphemerals]: 'GetEphemeralsRequest',
  [OpCode.getAllChildrenNumber]: 'GetAllChildrenNumberRequest',
  [OpCode.setWatches2]: 'SetWatches2',
  [OpCode.addWatch]: 'AddWatchRequest',
  [OpCode.whoAmI]: null,
  // Java reads a bare int timeout here, which is CreateSessionTxn's layout.
  [OpCode.createSession]: 'CreateSessionTxn',
  [OpCode.closeSession]: null,
};

/**
 * Success response body record per opcode (sent only when ReplyHeader.err is 0); null = header only.
 * Also keyed by multi result type: -1 (error) carries ErrorResponse. notification (0) is the body of xid -1.
 */
export const RESPONSE_RECORD: Record<number, RecordName | null> = {
  [OpCode.notification]: 'WatcherEvent',
  [OpCode.create]: 'CreateResponse',
  [OpCode.delete]: null,
  [OpCode.exists]: 'ExistsResponse',
  [OpCode.getData]: 'GetDataResponse',
  [OpCode.setData]: 'SetDataResponse',
  [OpCode.getACL]: 'GetACLResponse',
  [OpCode.setACL]: 'SetACLResponse',
  [OpCode.getChildren]: 'GetChildrenResponse',
  [OpCode.sync]: 'SyncResponse',
  [OpCode.ping]: null,
  [OpCode.getChildren2]: 'GetChildren2Response',
  [OpCode.check]: null,
  [OpCode.create2]: 'Create2Response',
  [OpCode.reconfig]: 'GetDataResponse',
  [OpCode.checkWatches]: null,
  [OpCode.removeWatches]: null,
  [OpCode.createContainer]: 'Create2Response',
  [OpCode.deleteContainer]: null,
  [OpCode.createTTL]: 'Create2Response',
  [OpCode.auth]: null,
  [OpCode.setWatches]: null,
  [OpCode.sasl]: 'SetSASLResponse',
  [OpCode.getEphemerals]: 'GetEphemeralsResponse',
  [OpCode.getAllChildrenNumber]: 'GetAllChildrenNumberResponse',
  [OpCode.setWatches2]: null,
  [OpCode.addWatch]: 'ErrorResponse',
  [OpCode.whoAmI]: 'WhoAmIResponse',
  [OpCode.createSession]: null,
  [OpCode.closeSession]: null,
  [OpCode.error]: 'ErrorResponse',
};

/** The sub-op types each multi-style opcode accepts; its body is MultiHeader-framed ops, not one record. */
export const MULTI_OPS: Record<number, ReadonlySet<number>> = {
  [OpCode.multi]: new Set<number>([
    OpCode.create, OpCode.create2, OpCode.createContainer, OpCode.createTTL,
    OpCode.delete, OpCode.setData, OpCode.check,
  ]),
  [OpCode.multiRead]: new Set<number>([OpCode.getChildren, OpCode.getData]),
};

/** Reply xids that are not echoes of a request xid, with the opcode whose response they carry. */
const SPECIAL_XID_OPCODE: Record<number, number> = {
  [Xid.Notification]: OpCode.notification,
  [Xid.Ping]: OpCode.ping,
  [Xid.Auth]: OpCode.auth,
  [Xid.SetWatches]: OpCode.setWatches,
};

export function isKnownOpcode(opcode: number): boolean {
  return REQUEST_RECORD[opcode] !== undefined || MULTI_OPS[opcode] !== undefined;
}

export type MultiOp = { type: number; request: unknown };
export type MultiResult = { type: number; err: number; response?: unknown };

const END_OF_MULTI: MultiHeader = { type: -1, done: true, err: -1 };

function readBody(r: JuteReader, name: RecordName | null | undefined): unknown {
  return name ? codecOf(name).read(r) : undefined;
}

function writeBody(w: JuteWriter, name: RecordName | null | undefined, body: unknown): void {
  if (name) codecOf(name).write(w, body as never);
}

export function decodeMultiRequest(r: JuteReader, opcodeAllowed: (type: number) => boolean): MultiOp[] {
  const ops: MultiOp[] = [];
  for (;;) {
    const h = codecOf('MultiHeader').read(r);
    if (h.done) return ops;
    if (!opcodeAllowed(h.type)) throw new MarshallingError(`op type ${h.type} not allowed here`);
    ops.push({ type: h.type, request: readBody(r, REQUEST_RECORD[h.type]) });
  }
}

export function encodeMultiRequest(w: JuteWriter, ops: readonly MultiOp[]): void {
  const header = codecOf('MultiHeader');
  for (const op of ops) {
    header.write(w, { type: op.type, done: false, err: -1 });
    writeBody(w, REQUEST_RECORD[op.type], op.request);
  }
  header.write(w, END_OF_MULTI);
}

export function decodeMultiResponse(r: JuteReader): MultiResult[] {
  const results: MultiResult[] = [];
  for (;;) {
    const h = codecOf('MultiHeader').read(r);
    if (h.done) return results;
    const name = RESPONSE_RECORD[h.type];
    if (name === undefined) throw new MarshallingError(`unknown multi result type ${h.type}`);
    const result: MultiResult = { type: h.type, err: h.err };
    if (name) result.response = readBody(r, name);
    results.push(result);
  }
}

export function encodeMultiResponse(w: JuteWriter, results: readonly MultiResult[]): void {
  const header = codecOf('MultiHeader');
  for (const res of results) {
    header.write(w, { type: res.type, done: false, err: res.err });
    const response = res.response ?? (res.type === OpCode.error ? { err: res.err } : undefined);
    writeBody(w, RESPONSE_RECORD[res.type], response);
  }
  header.write(w, END_OF_MULTI);
}

/** Encoded sizes, for replies whose length must be known before they are built. */
export const REPLY_HEADER_BYTES = 16;
const STAT_BYTES = 68;
const MULTI_HEADER_BYTES = 9;
const ERROR_RESPONSE_BYTES = 4;

function bufferBytes(v: Uint8Array | null | undefined): number {
  return 4 + (v == null ? 0 : v.length);
}

function ustringBytes(v: string | null | undefined): number {
  return 4 + (v == null ? 0 : Buffer.byteLength(v, 'utf8'));
}

/** GetDataResponse: data and Stat. */
export function getDataResponseBytes(data: Uint8Array | null | undefined): number {
  return bufferBytes(data) + STAT_BYTES;
}

/** GetChildrenResponse: the child names (a null list is written as -1). */
export function getChildrenResponseBytes(children: readonly (string | null)[] | null | undefined): number {
  let bytes = 4;
  for (const child of children ?? []) bytes += ustringBytes(child);
  return bytes;
}

/** The end-of-list header that closes every multi body. */
export const MULTI_END_BYTES = MULTI_HEADER_BYTES;

/** One entry of a multiRead response (getData, getChildren or error) as encodeMultiResponse writes it. */
export function multiReadResultBytes(result: MultiResult): number {
  switch (result.type) {
    case OpCode.getData:
      return MULTI_HEADER_BYTES + getDataResponseBytes((result.response as { data: Uint8Array | null }).data);
    case OpCode.getChildren:
      return MULTI_HEADER_BYTES + getChildrenResponseBytes((result.response as { children: (string | null)[] | null }).children);
    case OpCode.error:
      return MULTI_HEADER_BYTES + ERROR_RESPONSE_BYTES;
    default:
      throw new Error(`no multiRead result of type ${result.type}`);
  }
}

/** A request whose header decoded but whose body did not: the server answers MarshallingError to header.xid. */
export class RequestBodyError extends MarshallingError {
  constructor(readonly header: RequestHeader, cause: unknown) {
    super(`${header.type} request body: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Request body: the op's record; MultiOp[] for multi/multiRead; undefined when the op has none;
 * for an opcode the protocol does not know, the raw bytes after the header (the server answers -6).
 */
export type ClientFrame =
  | { kind: 'connect'; req: ConnectRequest }
  | { kind: 'request'; header: RequestHeader; body: unknown };

/** Reply body: the op's response record, MultiResult[] for multi/multiRead, undefined when err != 0 or none. */
export type ServerFrame =
  | { kind: 'connect'; resp: ConnectResponse }
  | { kind: 'reply'; header: ReplyHeader; body: unknown };

/** Decodes one client frame; `payload` is the bytes after the 4-byte length prefix. */
export function decodeClientFrame(payload: Buffer, first: boolean): ClientFrame {
  const r = new JuteReader(payload);
  if (first) return { kind: 'connect', req: codecOf('ConnectRequest').read(r) };
  const header = codecOf('RequestHeader').read(r);
  try {
    return { kind: 'request', header, body: readRequestBody(r, header.type) };
  } catch (err) {
    if (err instanceof MarshallingError) throw new RequestBodyError(header, err);
    throw err;
  }
}

function readRequestBody(r: JuteReader, opcode: number): unknown {
  const allowed = MULTI_OPS[opcode];
  if (allowed) return decodeMultiRequest(r, (t) => allowed.has(t));
  const name = REQUEST_RECORD[opcode];
  if (name === undefined) return Buffer.from(r.buf.subarray(r.pos, r.end));
  return readBody(r, name);
}

/** The opcode whose response a reply with this xid carries: fixed for special xids, else the caller's lookup. */
export function replyOpcode(xid: number, opcodeOf: (xid: number) => number | undefined): number | undefined {
  return SPECIAL_XID_OPCODE[xid] ?? opcodeOf(xid);
}

/**
 * Decodes one server frame; `payload` is the bytes after the length prefix. `opcodeOf` gives the opcode of
 * the outstanding request with that xid (consulted only for a successful reply to an ordinary xid).
 */
export function decodeServerFrame(payload: Buffer, first: boolean, opcodeOf: (xid: number) => number | undefined): ServerFrame {
  const r = new JuteReader(payload);
  if (first) return { kind: 'connect', resp: codecOf('ConnectResponse').read(r) };
  const header = codecOf('ReplyHeader').read(r);
  if (header.err !== 0) return { kind: 'reply', header, body: undefined };
  const opcode = replyOpcode(header.xid, opcodeOf);
  if (opcode === undefined) throw new MarshallingError(`reply to unknown xid ${header.xid}`);
  return { kind: 'reply', header, body: readResponseBody(r, opcode) };
}

function readResponseBody(r: JuteReader, opcode: number): unknown {
  if (MULTI_OPS[opcode]) return decodeMultiResponse(r);
  const name = RESPONSE_RECORD[opcode];
  if (name === undefined) throw new MarshallingError(`no response record for opcode ${opcode}`);
  return readBody(r, name);
}

/** Appends a whole client frame, length prefix included. */
export function writeClientFrame(w: JuteWriter, frame: ClientFrame): void {
  const mark = w.beginFrame();
  if (frame.kind === 'connect') {
    codecOf('ConnectRequest').write(w, frame.req);
  } else {
    codecOf('RequestHeader').write(w, frame.header);
    const opcode = frame.header.type;
    const name = REQUEST_RECORD[opcode];
    if (MULTI_OPS[opcode]) encodeMultiRequest(w, frame.body as MultiOp[]);
    else if (name === undefined) w.raw((frame.body as Uint8Array | undefined) ?? new Uint8Array(0));
    else writeBody(w, name, frame.body);
  }
  w.endFrame(mark);
}

/**
 * Appends a whole server frame, length prefix included. `opcode` is that of the request being answered
 * (may be omitted for notifications, pings and auth replies).
 */
export function writeServerFrame(w: JuteWriter, frame: ServerFrame, opcode?: number): void {
  const mark = w.beginFrame();
  if (frame.kind === 'connect') {
    codecOf('ConnectResponse').write(w, frame.resp);
  } else {
    codecOf('ReplyHeader').write(w, frame.header);
    if (frame.header.err === 0) {
      const op = opcode ?? SPECIAL_XID_OPCODE[frame.header.xid];
      if (op === undefined) throw new Error(`opcode needed to encode the reply to xid ${frame.header.xid}`);
      if (MULTI_OPS[op]) encodeMultiResponse(w, frame.body as MultiResult[]);
      else writeBody(w, RESPONSE_RECORD[op], frame.body);
    }
  }
  w.endFrame(mark);
}

export function encodeClientFrame(frame: ClientFrame): Buffer {
  const w = new JuteWriter();
  writeClientFrame(w, frame);
  return Buffer.from(w.bytes());
}

export function encodeServerFrame(frame: ServerFrame, opcode?: number): Buffer {
  const w = new JuteWriter();
  writeServerFrame(w, frame, opcode);
  return Buffer.from(w.bytes());
}
