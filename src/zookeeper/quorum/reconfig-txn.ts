// Recognises a reconfig transaction in the bytes ZAB carries (TxnHeader + SetDataTxn on /zookeeper/config), as
// Apache's leader and learners do to find the config a COMMITANDACTIVATE / INFORMANDACTIVATE activates.
import { codecOf } from '../jute/codec.js';
import { OpCode } from '../jute/constants.js';
import { JuteReader } from '../jute/reader.js';

/** TxnHeader: clientId long, cxid int, zxid long, time long, then the int type. */
const TYPE_OFFSET = 28;
const HEADER_BYTES = 32;

/** The new config's text when `data` is a reconfig txn, else null. */
export function reconfigTextOf(data: Buffer): string | null {
  if (data.length < HEADER_BYTES || data.readInt32BE(TYPE_OFFSET) !== OpCode.reconfig) return null;
  const r = new JuteReader(data, HEADER_BYTES, data.length, Number.MAX_SAFE_INTEGER);
  const rec = codecOf('SetDataTxn').read(r);
  return rec.data ? rec.data.toString('utf8') : '';
}
