// One generic codec for every Kafka message: each (schema, version) is read and written by interpreting its schema
// for its first few uses (interpret.ts), then compiled into a straight-line reader and writer (compile.ts), cached.
import { compileStruct, inVersions, parseVersions, type Read, type StructCodec, type Write } from './compile.js';
import { KafkaDecodeError, KafkaEncodeError } from './decode-error.js';
import { interpretStruct } from './interpret.js';
import { KafkaReader } from './reader.js';
import type { FieldSchema, MessageSchema } from './schema.js';
import {
  ApiKey,
  REQUEST_SCHEMAS,
  RESPONSE_SCHEMAS,
  RequestHeaderSchema,
  ResponseHeaderSchema,
  type ApiMessages,
  type RequestHeader,
} from './schemas/index.js';
import { KafkaWriter } from './writer.js';

const structCache = new WeakMap<FieldSchema[], Map<number, StructCodec>>();
const messageCache = new WeakMap<MessageSchema, (StructCodec | undefined)[]>();

function structOf(fields: FieldSchema[], shape: { version: number; flexible: boolean }, where = 'struct'): StructCodec {
  let byShape = structCache.get(fields);
  if (byShape === undefined) structCache.set(fields, (byShape = new Map()));
  const key = shape.version * 2 + (shape.flexible ? 1 : 0);
  let codec = byShape.get(key);
  if (codec === undefined) {
    codec = compileStruct(fields, shape, (f, s) => structOf(f, s), where);
    byShape.set(key, codec);
  }
  return codec;
}

export function isValidVersion(schema: MessageSchema, version: number): boolean {
  return Number.isInteger(version) && inVersions(schema.validVersions, version);
}

export function isFlexible(schema: MessageSchema, version: number): boolean {
  return inVersions(schema.flexibleVersions, version);
}

/**
 * Reads (and, apart, writes) of a message at one version that interpret its schema before it is compiled: a one-shot
 * tool uses most messages once or twice, where compiling costs more than interpreting; a server or a running client
 * compiles what it keeps using.
 */
export const INTERPRETED_USES = 4;

/** The compiled reader/writer of a message at a version; throws RangeError for a version the schema lacks. */
export function compiledCodec(schema: MessageSchema, version: number): StructCodec {
  if (!isValidVersion(schema, version)) throw new RangeError(`${schema.name} has no version ${version} (valid ${schema.validVersions})`);
  return structOf(schema.fields, { version, flexible: isFlexible(schema, version) }, `${schema.name} v${version}`);
}

/** The interpreting reader/writer of a message at a version; throws RangeError for a version the schema lacks. */
export function interpretedCodec(schema: MessageSchema, version: number): StructCodec {
  if (!isValidVersion(schema, version)) throw new RangeError(`${schema.name} has no version ${version} (valid ${schema.validVersions})`);
  return interpretStruct(schema.fields, { version, flexible: isFlexible(schema, version) }, `${schema.name} v${version}`);
}

/**
 * A message's reader and writer: interpreted for INTERPRETED_USES calls each, then the compiled ones in their place.
 * Throws RangeError for a version the schema lacks.
 */
function tieredCodec(schema: MessageSchema, version: number): StructCodec {
  const interpreted = interpretedCodec(schema, version);
  let reads = 0;
  let writes = 0;
  const read: Read = (r) => {
    if (++reads <= INTERPRETED_USES) return interpreted.read(r);
    codec.read = compiledCodec(schema, version).read;
    return codec.read(r);
  };
  const write: Write = (w, v) => {
    if (++writes <= INTERPRETED_USES) return interpreted.write(w, v);
    codec.write = compiledCodec(schema, version).write;
    return codec.write(w, v);
  };
  const codec: StructCodec = { read, write };
  return codec;
}

/** The reader/writer of a message at a version (see tieredCodec); throws RangeError for a version the schema lacks. */
export function messageCodec(schema: MessageSchema, version: number): StructCodec {
  let byVersion = messageCache.get(schema);
  if (byVersion === undefined) messageCache.set(schema, (byVersion = []));
  let codec = byVersion[version];
  if (codec === undefined) {
    codec = tieredCodec(schema, version);
    byVersion[version] = codec;
  }
  return codec;
}

/** The cached codec, or undefined when the version is not one the schema has. */
function codecIfValid(schema: MessageSchema, version: number): StructCodec | undefined {
  const cached = messageCache.get(schema)?.[version];
  if (cached !== undefined) return cached;
  return isValidVersion(schema, version) ? messageCodec(schema, version) : undefined;
}

export function readMessage<T = any>(schema: MessageSchema, version: number, r: KafkaReader): T {
  const codec = codecIfValid(schema, version);
  if (codec === undefined) throw new KafkaDecodeError(`${schema.name} has no version ${version} (valid ${schema.validVersions})`, r.pos);
  return codec.read(r) as T;
}

export function writeMessage<T>(schema: MessageSchema, version: number, w: KafkaWriter, value: T): void {
  const codec = codecIfValid(schema, version);
  if (codec === undefined) throw new KafkaEncodeError(`${schema.name} has no version ${version} (valid ${schema.validVersions})`);
  codec.write(w, value);
}

/** Decodes a whole message from buf[start, end); bytes left over after it are an error. */
export function decodeMessage<T = any>(schema: MessageSchema, version: number, buf: Buffer, start = 0, end = buf.length): T {
  const r = new KafkaReader(buf, start, end);
  const value = readMessage<T>(schema, version, r);
  if (r.pos !== end) r.fail(`${end - r.pos} bytes left after ${schema.name} v${version}`);
  return value;
}

export function encodeMessage<T>(schema: MessageSchema, version: number, value: T): Buffer {
  const w = new KafkaWriter();
  writeMessage(schema, version, w, value);
  return w.toBuffer();
}

// ---- headers ---------------------------------------------------------------------------------

function requestSchema(apiKey: number): MessageSchema | undefined {
  return (REQUEST_SCHEMAS as Record<number, MessageSchema>)[apiKey];
}

function responseSchema(apiKey: number): MessageSchema | undefined {
  return (RESPONSE_SCHEMAS as Record<number, MessageSchema>)[apiKey];
}

/** Request header version: 2 for flexible requests, else 1; ControlledShutdown v0 alone uses header v0. */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0;
  const schema = requestSchema(apiKey);
  return schema !== undefined && isFlexible(schema, apiVersion) ? 2 : 1;
}

/** Response header version: 1 for flexible responses, else 0; ApiVersions always uses v0 (clients parse it before knowing the version). */
export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === ApiKey.ApiVersions) return 0;
  const schema = responseSchema(apiKey);
  return schema !== undefined && isFlexible(schema, apiVersion) ? 1 : 0;
}

export interface DecodedRequest<K extends ApiKey = ApiKey> {
  header: RequestHeader;
  headerVersion: number;
  body: ApiMessages[K]['request'];
}

/**
 * Reads the request header (its version chosen from the api key and version it starts with). An unknown
 * api key reads as header v1, which is how Kafka reads it before answering with an error or closing.
 */
export function readRequestHeader(r: KafkaReader): { header: RequestHeader; headerVersion: number } {
  if (r.remaining() < 4) r.fail(`request header truncated: ${r.remaining()} bytes`);
  const apiKey = r.buf.readInt16BE(r.pos);
  const apiVersion = r.buf.readInt16BE(r.pos + 2);
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  return { header: readMessage<RequestHeader>(RequestHeaderSchema, headerVersion, r), headerVersion };
}

/** Decodes a request frame (without its 4-byte size prefix): header, then the body at the header's version. */
export function decodeRequest(frame: Buffer, start = 0, end = frame.length): DecodedRequest {
  const r = new KafkaReader(frame, start, end);
  const { header, headerVersion } = readRequestHeader(r);
  const schema = requestSchema(header.requestApiKey);
  if (schema === undefined) throw new KafkaDecodeError(`unknown api key ${header.requestApiKey}`, start);
  const body = readMessage(schema, header.requestApiVersion, r);
  return { header, headerVersion, body };
}

/** Decodes a response frame (without its size prefix) of a request sent at (apiKey, apiVersion). */
export function decodeResponse<K extends ApiKey>(
  apiKey: K,
  apiVersion: number,
  frame: Buffer,
  start = 0,
  end = frame.length,
): { correlationId: number; body: ApiMessages[K]['response'] } {
  const r = new KafkaReader(frame, start, end);
  const header = readMessage(ResponseHeaderSchema, responseHeaderVersion(apiKey, apiVersion), r);
  const schema = responseSchema(apiKey);
  if (schema === undefined) throw new KafkaDecodeError(`unknown api key ${apiKey}`, start);
  return { correlationId: header.correlationId, body: readMessage(schema, apiVersion, r) };
}

export interface RequestHeaderInput<K extends ApiKey> {
  apiKey: K;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** A request as a list of chunks ready for writev: 4-byte size, header, body (large record blobs by reference). */
export function encodeRequest<K extends ApiKey>(head: RequestHeaderInput<K>, body: ApiMessages[K]['request']): Buffer[] {
  const schema = requestSchema(head.apiKey);
  if (schema === undefined) throw new KafkaEncodeError(`unknown api key ${head.apiKey}`);
  const w = new KafkaWriter();
  const header: RequestHeader = {
    requestApiKey: head.apiKey,
    requestApiVersion: head.apiVersion,
    correlationId: head.correlationId,
    clientId: head.clientId,
  };
  writeMessage(RequestHeaderSchema, requestHeaderVersion(head.apiKey, head.apiVersion), w, header);
  writeMessage(schema, head.apiVersion, w, body);
  return framed(w);
}

/** A response as a list of chunks ready for writev: 4-byte size, header, body. */
export function encodeResponse<K extends ApiKey>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  body: ApiMessages[K]['response'],
): Buffer[] {
  const schema = responseSchema(apiKey);
  if (schema === undefined) throw new KafkaEncodeError(`unknown api key ${apiKey}`);
  const w = new KafkaWriter();
  writeMessage(ResponseHeaderSchema, responseHeaderVersion(apiKey, apiVersion), w, { correlationId });
  writeMessage(schema, apiVersion, w, body);
  return framed(w);
}

function framed(w: KafkaWriter): Buffer[] {
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(w.length);
  return [size, ...w.toChunks()];
}

export { parseVersions };
