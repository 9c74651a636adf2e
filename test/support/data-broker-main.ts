// A data broker (data-broker.ts) as its own process, for tests that kill it: `node data-broker-main.js '<json>'`
// with DataBrokerOptions minus the functions. Prints `LISTENING <port>` once it leads its partitions, shuts down
// cleanly on SIGTERM, and prints broker log lines to stderr.
import { lineLog } from '../../src/kafka/broker/broker-log.js';
import { startDataBroker, type DataBrokerOptions } from './data-broker.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as DataBrokerOptions;
const broker = await startDataBroker({ ...opts, log: lineLog((line) => process.stderr.write(line + '\n')) });
process.stdout.write(`LISTENING ${broker.port}\n`);
process.once('SIGTERM', () => {
  void broker.stop().then(() => process.exit(0), (err: unknown) => {
    process.stderr.write(`shutdown failed: ${(err as Error).stack}\n`);
    process.exit(1);
  });
});
