import { recordBatch, recordsPerBatch, produceRequestTemplate, requestFrame } from './dist/bench/kafka/load-frames.js';
import { readMessage, readRequestHeader, KafkaReader, REQUEST_SCHEMAS, encodeResponse, ApiKey } from './dist/src/kafka/protocol/index.js';
import { RecordBatchView } from './dist/src/kafka/protocol/records/index.js';
const batch = recordBatch(recordsPerBatch(16 * 1024));
const t = produceRequestTemplate('bench-p1', 1, batch, 1);
const frame = Buffer.concat(requestFrame(t, 7)).subarray(4);
function T(name, n, f) { for (let i = 0; i < n / 10; i++) f(i); const c = process.cpuUsage(); for (let i = 0; i < n; i++) f(i); const d = process.cpuUsage(c); console.log(name.padEnd(20), ((d.user + d.system) / n).toFixed(3), 'us cpu'); }
let body;
T('decode', 200000, () => { const r = new KafkaReader(frame, 0, frame.length); readRequestHeader(r); body = readMessage(REQUEST_SCHEMAS[0], 7, r); });
const resp = { throttleTimeMs: 0, responses: [{ name: 'bench-p1', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null }] }] };
T('encode', 200000, () => encodeResponse(0, 7, 7, resp));
const rec = body.topicData[0].partitionData[0].records;
T('crc', 20000, () => new RecordBatchView(rec, 0).ensureValid());
