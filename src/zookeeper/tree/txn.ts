// Transactions: what prep produces, the log stores and the data tree applies. Bytes as Apache writes them:
// TxnHeader, then the record chosen by header.type, then (when digests are on) a TxnDigest.
import { codecOf, type RecordName } from '../jute/codec.js';
import { OpCode } from '../jute/constants.js';
import { JuteReader } from '../jute/reader.js';
import { JuteWriter } from '../jute/writer.js';
import type {
  CheckVersionTxn, CloseSessionTxn, CreateContainerTxn, CreateSessionTxn, CreateTTLTxn, CreateTxn, DeleteTxn, ErrorTxn,
  SetACLTxn, SetDataTxn, TxnDigest, TxnHeader,
} from '../jute/records.generated.js';
import { MarshallingError } from '../jute/errors.js';

export type TxnBody =
  | { type: typeof OpCode.create | typeof OpCode.create2; record: CreateTxn }
  | { type: typeof OpCode.createContainer; record: CreateContainerTxn }
  | { type: typeof OpCode.createTTL; record: CreateTTLTxn }
  | { type: typeof OpCode.delete | typeof OpCode.deleteContainer; record: DeleteTxn }
  | { type: typeof OpCode.setData | typeof OpCode.reconfig; record: SetDataTxn }
  | { type: typeof OpCode.setACL; record: SetACLTxn }
  | { type: typeof OpCode.check; record: CheckVersionTxn }
  | { type: typeof OpCode.createSession; record: CreateSessionTxn }
  | { type: typeof OpCode.closeSession; record: CloseSessionTxn | null }
  | { type: typeof OpCode.error; record: ErrorTxn }
  | { type: typeof OpCode.multi; record: { txns: TxnBody[] } };

export interface Txn {
  hdr: TxnHeader;
  body: TxnBody;
  digest?: TxnDigest;
}

const RECORD_OF_TYPE: Record<number, RecordName> = {
  [OpCode.create]: 'CreateTxn',
  [OpCode.create2]: 'CreateTxn',
  [OpCode.createContainer]: 'CreateContainerTxn',
  [OpCode.createTTL]: 'CreateTTLTxn',
  [OpCode.delete]: 'DeleteTxn',
  [OpCode.deleteContainer]: 'DeleteTxn',
  [OpCode.setData]: 'SetDataTxn',
  [OpCode.reconfig]: 'SetDataTxn',
  [OpCode.setACL]: 'SetACLTxn',
  [OpCode.check]: 'CheckVersionTxn',
  [OpCode.createSession]: 'CreateSessionTxn',
  [OpCode.closeSession]: 'CloseSessionTxn',
  [OpCode.error]: 'ErrorTxn',
};

const headerCodec = codecOf('TxnHeader');
const digestCodec = codecOf('TxnDigest');
const subTxnCodec = codecOf('Txn');

function writeBody(w: JuteWriter, body: TxnBody): void {
  if (body.type === OpCode.multi) {
    w.int(body.record.txns.length);
    for (const sub of body.record.txns) {
      const inner = new JuteWriter(128);
      writeBody(inner, sub);
      subTxnCodec.write(w, { type: sub.type, data: inner.bytes() });
    }
    return;
  }
  if (body.type === OpCode.closeSession && body.record === null) return;
  const name = RECORD_OF_TYPE[body.type];
  codecOf(name).write(w, body.record as never);
}

function readBody(r: JuteReader, type: number, inMulti = false): TxnBody {
  if (type === OpCode.multi) {
    // Apache's MultiTxn holds single operations only; refusing a nested one bounds the recursion a log can cause.
    if (inMulti) throw new MarshallingError('multi txn inside a multi txn');
    const n = r.int();
    if (n < 0 || n > r.remaining()) throw new MarshallingError(`bad multi txn count ${n}`);
    const txns: TxnBody[] = [];
    for (let i = 0; i < n; i++) {
      const sub = subTxnCodec.read(r);
      const data = sub.data ?? Buffer.alloc(0);
      txns.push(readBody(new JuteReader(data), sub.type, true));
    }
    return { type, record: { txns } };
  }
  if (type === OpCode.closeSession && r.remaining() === 0) return { type, record: null };
  const name = RECORD_OF_TYPE[type];
  if (!name) throw new MarshallingError(`unknown txn type ${type}`);
  return { type, record: codecOf(name).read(r) } as TxnBody;
}

export function writeTxn(w: JuteWriter, txn: Txn): void {
  headerCodec.write(w, txn.hdr);
  writeBody(w, txn.body);
  if (txn.digest) digestCodec.write(w, txn.digest);
}

export function encodeTxn(txn: Txn): Buffer {
  const w = new JuteWriter(256);
  writeTxn(w, txn);
  return Buffer.from(w.bytes());
}

export function decodeTxn(buf: Buffer, start = 0, end = buf.length): Txn {
  const r = new JuteReader(buf, start, end, Number.MAX_SAFE_INTEGER);
  const hdr = headerCodec.read(r);
  const body = readBody(r, hdr.type);
  const txn: Txn = { hdr, body };
  if (r.remaining() >= 12) txn.digest = digestCodec.read(r);
  return txn;
}
