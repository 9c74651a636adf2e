// `zkafka kafka-leader-election` (Kafka 2.8's kafka-leader-election.sh, LeaderElectionCommand): a preferred or
// unclean leader election for one partition, the partitions of a JSON file, or every partition, through the
// controller's ElectLeaders API. Prints Kafka's lines; partitions that could not get a leader end the tool with the
// AdminCommandFailedException Kafka lets escape its main (exit status 1).
import { readFileSync } from 'node:fs';
import { formatToolUsage, parseToolOptions, ToolOptionError, type OptionSpec } from '../tool-options.js';
import { HELP_OPTION, UncaughtToolError, VERSION_OPTION, messageOf, processIo, reportStartupError, type ToolIo } from '../kafka-tool-common.js';
import { KAFKA_TOOLS_VERSION } from '../tool-version.js';
import { adminOptions } from '../admin-client-config.js';
import { javaExceptionClass } from '../java-errors.js';
import { scalaMutableHashOrder, topicPartitionHash } from '../scala-hash-order.js';

const HELP_TEXT = 'This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.';

export const LEADER_ELECTION_OPTION_SPECS: readonly OptionSpec[] = [
  HELP_OPTION,
  VERSION_OPTION,
  { name: 'bootstrap-server', arg: 'String: host:port', description: 'A hostname and port for the broker to connect to, in the form host:port. Multiple comma separated URLs can be given. REQUIRED.' },
  { name: 'admin.config', arg: 'String: config file', description: 'Configuration properties files to pass to the admin client' },
  {
    name: 'path-to-json-file',
    arg: 'String: Path to JSON file',
    description:
      'The JSON file with the list  of partition for which leader elections should be performed. This is an example format. \n{"partitions":\n\t[{"topic": "foo", "partition": 1},\n\t {"topic": "foobar", "partition": 2}]\n}\nNot allowed if --all-topic-partitions or --topic flags are specified.',
  },
  { name: 'topic', arg: 'String: topic name', description: 'Name of topic for which to perform an election. Not allowed if --path-to-json-file or --all-topic-partitions is specified.' },
  { name: 'partition', arg: 'Integer: partition id', description: 'Partition id for which to perform an election. REQUIRED if --topic is specified.' },
  {
    name: 'all-topic-partitions',
    description: 'Perform election on all of the eligible topic partitions based on the type of election (see the --election-type flag). Not allowed if --topic or --path-to-json-file is specified.',
  },
  {
    name: 'election-type',
    arg: '[PREFERRED,UNCLEAN]: election type',
    description:
      'Type of election to attempt. Possible values are "preferred" for preferred leader election or "unclean" for unclean leader election. If preferred election is selection, the election is only performed if the current leader is not the preferred leader for the topic partition. If unclean election is selected, the election is only performed if there are no leader for the topic partition. REQUIRED.',
  },
];

export const LEADER_ELECTION_EXAMPLES = `
Examples (zkafka kafka-leader-election, or bin/kafka-leader-election.sh):
  kafka-leader-election.sh --bootstrap-server localhost:9092 --election-type preferred --all-topic-partitions
  kafka-leader-election.sh --bootstrap-server localhost:9092 --election-type preferred --topic my-topic --partition 0
  kafka-leader-election.sh --bootstrap-server localhost:9092 --election-type unclean --path-to-json-file partitions.json
`;

const failed = (message: string) => new UncaughtToolError('kafka.common.AdminCommandFailedException', message);

interface TopicPartition {
  topic: string;
  partition: number;
}

/** parseReplicaElectionData. */
function parseElectionJson(text: string): TopicPartition[] {
  const adminOp = (message: string) => new UncaughtToolError('kafka.admin.AdminOperationException', message);
  let js: unknown;
  try {
    js = JSON.parse(text);
  } catch {
    throw adminOp('Replica election data is empty');
  }
  if (typeof js !== 'object' || js === null || !('partitions' in js) || !Array.isArray(js.partitions)) throw adminOp('Replica election data is missing "partitions" field');
  const partitions = (js.partitions as unknown[]).map((p) => {
    const o = p as Record<string, unknown>;
    if (typeof o?.topic !== 'string' || !Number.isInteger(o.partition)) throw adminOp(`Invalid partition entry ${JSON.stringify(p)}`);
    return { topic: o.topic, partition: o.partition as number };
  });
  const seen = new Map<string, number>();
  for (const p of partitions) seen.set(`${p.topic}-${p.partition}`, (seen.get(`${p.topic}-${p.partition}`) ?? 0) + 1);
  const dup = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
  if (dup.length > 0) throw adminOp(`Replica election data contains duplicate partitions: ${dup.join(',')}`);
  return partitions;
}

export async function runLeaderElection(argv: readonly string[], io: ToolIo = processIo()): Promise<number> {
  let electionType: 'PREFERRED' | 'UNCLEAN';
  let partitions: TopicPartition[] | null;
  let bootstrap: string;
  let adminConfig: string | undefined;
  try {
    const o = parseToolOptions(LEADER_ELECTION_OPTION_SPECS, argv);
    if (argv.length === 0 || o.has('help')) {
      io.err(`${HELP_TEXT}\n${formatToolUsage(LEADER_ELECTION_OPTION_SPECS)}${LEADER_ELECTION_EXAMPLES}`);
      return 1;
    }
    if (o.has('version')) {
      io.out(`${KAFKA_TOOLS_VERSION}\n`);
      return 0;
    }
    const missing: string[] = [];
    if (!o.has('bootstrap-server')) missing.unshift('bootstrap-server');
    if (!o.has('election-type')) missing.unshift('election-type');
    if (missing.length > 0) throw failed(`Missing required option(s): ${missing.join(', ')}`);
    const exclusive = ['topic', 'all-topic-partitions', 'path-to-json-file'];
    if (exclusive.filter((n) => o.has(n)).length !== 1) throw failed(`One and only one of the following options is required: ${exclusive.join(', ')}`);
    if (o.has('topic') && !o.has('partition')) throw failed('Missing required option(s): partition');
    if (!o.has('topic') && o.has('partition')) throw failed('Option partition is only allowed if topic is used');
    const type = o.value('election-type')!;
    if (!/^(preferred|unclean)$/i.test(type)) throw new ToolOptionError(`Cannot parse argument '${type}' of option election-type`, 'joptsimple.OptionArgumentConversionException');
    electionType = type.toUpperCase() as 'PREFERRED' | 'UNCLEAN';
    const file = o.value('path-to-json-file');
    if (file !== undefined) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new UncaughtToolError('java.nio.file.NoSuchFileException', file);
      }
      partitions = parseElectionJson(text);
    } else if (o.has('topic')) {
      partitions = [{ topic: o.value('topic')!, partition: o.integer('partition')! }];
    } else {
      partitions = null;
    }
    bootstrap = o.value('bootstrap-server')!;
    adminConfig = o.value('admin.config');
  } catch (err) {
    return reportStartupError(err, LEADER_ELECTION_OPTION_SPECS, io);
  }
  const { KafkaAdmin } = await import('../../client/admin/kafka-admin.js');
  let admin;
  try {
    admin = new KafkaAdmin({ ...adminOptions(bootstrap, adminConfig), operationTimeoutMs: 30_000, requestTimeoutMs: 15_000 });
  } catch (err) {
    return reportStartupError(err, LEADER_ELECTION_OPTION_SPECS, io);
  }
  try {
    let results: Map<string, Error | null>;
    try {
      results = await admin.electLeaders(electionType === 'PREFERRED' ? 'preferred' : 'unclean', partitions);
    } catch (err) {
      const name = (err as Error)?.name;
      if (name === 'KafkaRequestTimeoutError' || name === 'RequestTimedOutError') {
        io.out('Timeout waiting for election results\n');
        throw failed('Timeout waiting for election results');
      }
      io.out('Error while making request\n');
      throw err;
    }
    const entries = scalaMutableHashOrder([...results].map(([key, error]) => ({ ...splitKey(key), error })), (e) => topicPartitionHash(e.topic, e.partition));
    const name = (e: TopicPartition) => `${e.topic}-${e.partition}`;
    const succeeded = entries.filter((e) => e.error === null);
    const noop = entries.filter((e) => e.error !== null && (e.error as { errorName?: string }).errorName === 'ELECTION_NOT_NEEDED');
    const failures = entries.filter((e) => e.error !== null && (e.error as { errorName?: string }).errorName !== 'ELECTION_NOT_NEEDED');
    if (succeeded.length > 0) io.out(`Successfully completed leader election (${electionType}) for partitions ${succeeded.map(name).join(', ')}\n`);
    if (noop.length > 0) io.out(`Valid replica already elected for partitions ${noop.map(name).join(', ')}\n`);
    if (failures.length > 0) {
      for (const f of failures) {
        const err = f.error as Error & { serverMessage?: string };
        io.out(`Error completing leader election (${electionType}) for partition: ${name(f)}: ${javaExceptionClass(err)}: ${err.serverMessage ?? err.message}\n`);
      }
      throw failed(`${failures.length} replica(s) could not be elected`);
    }
    return 0;
  } catch (err) {
    if (err instanceof UncaughtToolError) return reportStartupError(err, LEADER_ELECTION_OPTION_SPECS, io);
    io.err(`Exception in thread "main" ${javaExceptionClass(err)}: ${messageOf(err)}\n`);
    return 1;
  } finally {
    await admin.close().catch(() => {});
  }
}

function splitKey(key: string): TopicPartition {
  const dash = key.lastIndexOf('-');
  return { topic: key.slice(0, dash), partition: Number(key.slice(dash + 1)) };
}
