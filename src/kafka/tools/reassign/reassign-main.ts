// `zkafka kafka-reassign-partitions` (Kafka 2.8's kafka-reassign-partitions.sh, ReassignPartitionsCommand): check the
// options, reach the cluster through the admin API (--bootstrap-server) or ZooKeeper (--zookeeper), print what Kafka
// prints. A failure prints `Error: <message>` and the exception (a TerseReassignmentFailureException only its
// message), on stdout as Kafka does, and exits 1.
import { readFileSync } from 'node:fs';
import { formatToolUsage } from '../tool-options.js';
import { messageOf, processIo, reportStartupError, type ToolIo } from '../kafka-tool-common.js';
import { KAFKA_TOOLS_VERSION } from '../tool-version.js';
import { javaToString } from '../java-errors.js';
import { KafkaProtocolError } from '../../client/errors/kafka-protocol-error.js';
import { REASSIGN_OPTION_SPECS, parseReassignArgv, type ReassignArgs } from './reassign-options.js';
import { ReassignCommandError, TerseReassignmentFailure, checkExecuteAssignment, parseReassignmentJson, parseTopicsJson } from './reassign-json.js';
import { parseBrokerList } from './reassign-generate.js';

export const REASSIGN_EXAMPLES = `
Examples (zkafka kafka-reassign-partitions, or bin/kafka-reassign-partitions.sh):
  kafka-reassign-partitions.sh --bootstrap-server localhost:9092 --topics-to-move-json-file topics.json --broker-list 1,2,3,4 --generate
  kafka-reassign-partitions.sh --bootstrap-server localhost:9092 --reassignment-json-file plan.json --execute --throttle 10000000
  kafka-reassign-partitions.sh --bootstrap-server localhost:9092 --reassignment-json-file plan.json --verify
  kafka-reassign-partitions.sh --bootstrap-server localhost:9092 --list
  kafka-reassign-partitions.sh --bootstrap-server localhost:9092 --reassignment-json-file plan.json --cancel
  kafka-reassign-partitions.sh --zookeeper localhost:2181 --reassignment-json-file plan.json --execute
`;

class FileReadError extends ReassignCommandError {}

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new FileReadError(path, 'java.nio.file.NoSuchFileException');
  }
}

export async function runReassignPartitions(argv: readonly string[], io: ToolIo = processIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseReassignArgv(argv);
  } catch (err) {
    return reportStartupError(err, REASSIGN_OPTION_SPECS, io);
  }
  if (parsed.kind === 'help') {
    io.err(`${parsed.message}\n${formatToolUsage(REASSIGN_OPTION_SPECS)}${REASSIGN_EXAMPLES}`);
    return 1;
  }
  if (parsed.kind === 'version') {
    io.out(`${KAFKA_TOOLS_VERSION}\n`);
    return 0;
  }
  const args = parsed.args;
  const say = (line: string) => io.out(`${line}\n`);
  let close: (() => Promise<void>) | undefined;
  try {
    if (args.bootstrapServer !== undefined) {
      if (args.zookeeper !== undefined) {
        say('Warning: ignoring deprecated --zookeeper option because --bootstrap-server was specified.  The --zookeeper option will be removed in a future version of Kafka.');
      }
      const { AdminReassignService } = await import('./reassign-admin.js');
      const service = AdminReassignService.open(args.bootstrapServer, args.commandConfig);
      close = () => service.close();
      await runAdminAction(service, args, say);
    } else {
      say('Warning: --zookeeper is deprecated, and will be removed in a future version of Kafka.');
      const { ZkReassignService } = await import('./reassign-zk.js');
      const service = await ZkReassignService.open(args.zookeeper!);
      close = () => service.close();
      await runZkAction(service, args, say);
    }
    return 0;
  } catch (err) {
    if (err instanceof TerseReassignmentFailure) say(err.message);
    else {
      const message = err instanceof KafkaProtocolError ? javaToString(err) : messageOf(err);
      say(`Error: ${message}`);
      say(err instanceof ReassignCommandError ? `${err.javaClass}: ${err.message}` : err instanceof KafkaProtocolError ? `java.util.concurrent.ExecutionException: ${message}` : `org.apache.kafka.common.KafkaException: ${message}`);
    }
    return 1;
  } finally {
    await close?.().catch(() => {});
  }
}

/** parseGenerateAssignmentArgs: the file is read first, then the broker list and the topics are checked. */
function generateInput(args: ReassignArgs): [string[], number[]] {
  const text = readFile(args.topicsToMoveJsonFile!);
  const brokers = parseBrokerList(args.brokerList!);
  return [parseTopicsJson(text), brokers];
}

type AdminService = import('./reassign-admin.js').AdminReassignService;
type ZkService = import('./reassign-zk.js').ZkReassignService;

async function runAdminAction(service: AdminService, args: ReassignArgs, say: (line: string) => void): Promise<void> {
  switch (args.action) {
    case 'generate':
      return service.generate(...generateInput(args), !args.disableRackAware, say);
    case 'execute': {
      const plan = parseReassignmentJson(readFile(args.reassignmentJsonFile!));
      checkExecuteAssignment(plan);
      return service.execute(plan, { additional: args.additional, throttle: args.throttle, logDirThrottle: args.replicaAlterLogDirsThrottle, timeoutMs: args.timeoutMs }, say);
    }
    case 'verify':
      return service.verify(parseReassignmentJson(readFile(args.reassignmentJsonFile!)), args.preserveThrottles, say);
    case 'cancel':
      return service.cancel(parseReassignmentJson(readFile(args.reassignmentJsonFile!)), args.preserveThrottles, say, args.timeoutMs);
    case 'list':
      return service.list(say);
  }
}

async function runZkAction(service: ZkService, args: ReassignArgs, say: (line: string) => void): Promise<void> {
  switch (args.action) {
    case 'generate':
      return service.generate(...generateInput(args), !args.disableRackAware, say);
    case 'execute': {
      const plan = parseReassignmentJson(readFile(args.reassignmentJsonFile!));
      checkExecuteAssignment(plan);
      return service.execute(plan, args.throttle, say);
    }
    case 'verify':
      return service.verify(parseReassignmentJson(readFile(args.reassignmentJsonFile!)), args.preserveThrottles, say);
    default:
      throw new Error('Unsupported action.');
  }
}
