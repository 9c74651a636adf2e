/** A record could not be decoded (truncated, bad length): ZooKeeper answers MarshallingError (-5). */
export class MarshallingError extends Error {
  readonly code = 'ZK_MARSHALLING';
}
