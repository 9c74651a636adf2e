// The base of every error the client library throws, and of the generated one-class-per-code protocol errors.
import { errorInfo } from '../../protocol/errors.js';

/** Anything the Kafka client throws; `retriable` says whether the same operation may succeed when tried again. */
export class KafkaClientError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An error code a broker answered with. Subclasses (kafka-errors.ts) exist for every code in Kafka's table. */
export class KafkaProtocolError extends KafkaClientError {
  /** The Kafka error name, e.g. NOT_LEADER_OR_FOLLOWER. */
  readonly errorName: string;
  /** The broker's error message, else Kafka's default text for the code: the Java exception's message, without context. */
  readonly serverMessage: string;

  constructor(
    readonly code: number,
    message?: string,
    options?: ErrorOptions,
  ) {
    const info = errorInfo(code);
    super(message ?? info.message ?? info.name, info.retriable, options);
    this.errorName = info.name;
    this.serverMessage = this.message;
  }
}
