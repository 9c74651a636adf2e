// `zkafka kafka-topics` (Kafka 2.8's kafka-topics.sh, TopicCommand): parse and check the options, reach the cluster
// through ZooKeeper or the admin API, print what Kafka prints, exit 0 on success and 1 on any error. --output json
// and table are zkafka's own renderings of --list and --describe.
import { hasCollisionChars } from '../../admin/topic-name.js';
import { formatToolUsage } from '../tool-options.js';
import { messageOf, serverMessageOf, processIo, reportStartupError, UncaughtToolError, type ToolIo } from '../kafka-tool-common.js';
import { KAFKA_TOOLS_VERSION } from '../tool-version.js';
import { parseTopicsArgv, TOPICS_USAGE_SPECS, type TopicsArgs } from './topics-options.js';
import { commandInput } from './topic-command-input.js';
import { describeJson, describeTableRows, describeText, selectDescribed } from './topic-description.js';
import type { TopicService } from './topic-service.js';

export const TOPICS_EXAMPLES = `
Examples (zkafka kafka-topics, or bin/kafka-topics.sh):
  kafka-topics.sh --create --zookeeper zk1:2181,zk2:2181,zk3:2181 --replication-factor 3 --partitions 1 --topic my-topic
  kafka-topics.sh --bootstrap-server localhost:9092 --create --topic events --partitions 3 --config retention.ms=86400000
  kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic 'events|orders' --under-replicated-partitions
  kafka-topics.sh --bootstrap-server localhost:9092 --alter --topic events --partitions 6
  kafka-topics.sh --bootstrap-server localhost:9092 --list --exclude-internal --output json
  --output text|json|table (zkafka): Kafka's text (default), one JSON document, or a table on a terminal.
`;

const LEADER_WAIT_MS = 10_000;

export async function runKafkaTopics(argv: readonly string[], io: ToolIo = processIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseTopicsArgv(argv);
  } catch (err) {
    return reportStartupError(err, TOPICS_USAGE_SPECS, io);
  }
  if (parsed.kind === 'help') {
    io.err(`${parsed.message}\n${formatToolUsage(TOPICS_USAGE_SPECS)}${TOPICS_EXAMPLES}`);
    return 1;
  }
  if (parsed.kind === 'version') {
    io.out(`${KAFKA_TOOLS_VERSION}\n`);
    return 0;
  }
  const args = parsed.args;
  let service: TopicService;
  try {
    service = await openService(args);
  } catch (err) {
    return reportStartupError(err, TOPICS_USAGE_SPECS, io);
  }
  // In json mode the lines Kafka would print are collected into the document instead.
  const messages: string[] = [];
  const say = args.output === 'json' ? (line: string) => messages.push(line) : (line: string) => io.out(`${line}\n`);
  try {
    await runAction(service, args, say, io);
    if (args.output === 'json' && (args.action === 'create' || args.action === 'alter' || args.action === 'delete')) {
      io.out(`${JSON.stringify({ action: args.action, topic: args.topic ?? null, messages }, null, 2)}\n`);
    }
    return 0;
  } catch (err) {
    const message = serverMessageOf(err) ?? messageOf(err);
    if (args.output === 'json') io.out(`${JSON.stringify({ action: args.action, topic: args.topic ?? null, messages, error: message }, null, 2)}\n`);
    else io.out(`Error while executing topic command : ${message}\n`);
    return 1;
  } finally {
    await service.close().catch(() => {});
  }
}

async function openService(args: TopicsArgs): Promise<TopicService> {
  if (args.zookeeper !== undefined) {
    const { connectTopicsZk, ZkConnectTimeoutError } = await import('./topics-zk.js');
    try {
      return await connectTopicsZk(args.zookeeper);
    } catch (err) {
      if (err instanceof ZkConnectTimeoutError) throw new UncaughtToolError('kafka.zookeeper.ZooKeeperClientTimeoutException', err.message);
      throw err;
    }
  }
  const { AdminTopicService } = await import('./topics-admin.js');
  return AdminTopicService.open(args);
}

async function runAction(service: TopicService, args: TopicsArgs, say: (line: string) => void, io: ToolIo): Promise<void> {
  switch (args.action) {
    case 'create': {
      const input = commandInput(args, say);
      if (hasCollisionChars(args.topic!)) {
        say("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.");
      }
      if (!(await service.create(args, input))) return;
      // zkafka's extra on a terminal: wait (bounded) for the new partitions' leaders before saying it is done.
      if (io.interactive && args.output !== 'json') await waitForLeaders(service, args.topic!, io);
      say(`Created topic ${args.topic!}.`);
      return;
    }
    case 'list': {
      const topics = await service.list(args);
      if (args.output === 'json') io.out(`${JSON.stringify({ topics: topics.map((t) => ({ name: t.name, markedForDeletion: t.markedForDeletion })) }, null, 2)}\n`);
      else if (args.output === 'table') {
        const { renderTable } = await import('../../../cli/text-table.js');
        io.out(await renderTable(['Topic', 'Marked for deletion'], topics.map((t) => [t.name, t.markedForDeletion ? 'yes' : '']), io.interactive));
      } else if (args.zookeeper !== undefined) {
        for (const t of topics) io.out(t.markedForDeletion ? `${t.name} - marked for deletion\n` : `${t.name}\n`);
      } else {
        // println(topics.mkString("\n")): an empty list still prints one empty line.
        io.out(`${topics.map((t) => t.name).join('\n')}\n`);
      }
      return;
    }
    case 'describe': {
      const result = await service.describe(args, say);
      const described = result.topics.map((t) => selectDescribed(t, { ...args, liveBrokers: result.liveBrokers }));
      if (args.output === 'json') io.out(describeJson(described));
      else if (args.output === 'table') {
        const { renderTable } = await import('../../../cli/text-table.js');
        const { head, rows } = describeTableRows(described);
        io.out(await renderTable(head, rows, io.interactive));
      } else io.out(describeText(described));
      return;
    }
    case 'alter':
      await service.alter(args, commandInput(args, say), say);
      return;
    case 'delete':
      await service.delete(args, say);
      return;
  }
}

async function waitForLeaders(service: TopicService, topic: string, io: ToolIo): Promise<void> {
  if (service.leadersElected === undefined) return;
  const elected = service.leadersElected.bind(service);
  const { withSpinner } = await import('../../../cli/progress-spinner.js');
  const deadline = Date.now() + LEADER_WAIT_MS;
  const wait = (async () => {
    while (Date.now() < deadline && !(await elected(topic).catch(() => false))) await new Promise((r) => setTimeout(r, 100));
  })();
  await withSpinner(`Waiting for the leaders of ${topic}`, wait, { enabled: io.interactive });
}
