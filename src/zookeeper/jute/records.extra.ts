// Records ZooKeeper writes by hand in Java rather than declaring in zookeeper.jute.
import type { RecordSchema } from './schema.js';

export interface DeleteContainerRequest {
  /** Java writes the path as a `buffer`: the same bytes as a ustring. */
  path: Buffer | null;
}

export const EXTRA_RECORDS = {
  DeleteContainerRequest: [{ name: 'path', type: 'buffer' }],
} satisfies Record<string, RecordSchema>;

export interface ExtraRecordTypes {
  DeleteContainerRequest: DeleteContainerRequest;
}
