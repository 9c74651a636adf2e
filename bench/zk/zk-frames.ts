// Client-side frames for the load generator, written with the project's jute codec into a reused writer.
import { codecOf, JuteReader, JuteWriter, OpCode, Perms } from '../../src/zookeeper/jute/index.js';
import type { ACL, ConnectResponse, RequestHeader } from '../../src/zookeeper/jute/index.js';

const connectRequest = codecOf('ConnectRequest');
const connectResponse = codecOf('ConnectResponse');
const requestHeader = codecOf('RequestHeader');
const createRequest = codecOf('CreateRequest');
const setDataRequest = codecOf('SetDataRequest');
const getDataRequest = codecOf('GetDataRequest');
const existsRequest = codecOf('ExistsRequest');
const deleteRequest = codecOf('DeleteRequest');
const getDataResponse = codecOf('GetDataResponse');

const OPEN_ACL_UNSAFE: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }];
const EMPTY_PASSWORD = Buffer.alloc(16);

/** Reply header size on the wire: xid int32, zxid int64, err int32. */
export const REPLY_HEADER_BYTES = 16;

export function writeConnect(w: JuteWriter, sessionTimeoutMs: number): void {
  const mark = w.beginFrame();
  connectRequest.write(w, { protocolVersion: 0, lastZxidSeen: 0n, timeOut: sessionTimeoutMs, sessionId: 0n, passwd: EMPTY_PASSWORD, readOnly: false });
  w.endFrame(mark);
}

export function readConnectResponse(frame: Buffer): ConnectResponse {
  return connectResponse.read(new JuteReader(frame));
}

/** The header object is reused: codecs only read it while writing. */
const header: RequestHeader = { xid: 0, type: 0 };

function begin(w: JuteWriter, xid: number, type: number): number {
  const mark = w.beginFrame();
  header.xid = xid;
  header.type = type;
  requestHeader.write(w, header);
  return mark;
}

export function writeCreate(w: JuteWriter, xid: number, path: string, data: Buffer): void {
  const mark = begin(w, xid, OpCode.create);
  createRequest.write(w, { path, data, acl: OPEN_ACL_UNSAFE, flags: 0 });
  w.endFrame(mark);
}

export function writeSetData(w: JuteWriter, xid: number, path: string, data: Buffer): void {
  const mark = begin(w, xid, OpCode.setData);
  setDataRequest.write(w, { path, data, version: -1 });
  w.endFrame(mark);
}

export function writeGetData(w: JuteWriter, xid: number, path: string): void {
  const mark = begin(w, xid, OpCode.getData);
  getDataRequest.write(w, { path, watch: false });
  w.endFrame(mark);
}

export function writeExists(w: JuteWriter, xid: number, path: string): void {
  const mark = begin(w, xid, OpCode.exists);
  existsRequest.write(w, { path, watch: false });
  w.endFrame(mark);
}

export function writeDelete(w: JuteWriter, xid: number, path: string): void {
  const mark = begin(w, xid, OpCode.delete);
  deleteRequest.write(w, { path, version: -1 });
  w.endFrame(mark);
}

export function writeCloseSession(w: JuteWriter, xid: number): void {
  w.endFrame(begin(w, xid, OpCode.closeSession));
}

/** Length of the data in a getData reply body (after the 16-byte header); used to spot-check answers. */
export function getDataLength(frame: Buffer, start: number, end: number): number {
  const body = getDataResponse.read(new JuteReader(frame, start + REPLY_HEADER_BYTES, end));
  return body.data?.length ?? -1;
}
