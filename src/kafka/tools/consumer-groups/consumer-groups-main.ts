// kafka-consumer-groups: list, describe (offsets, members, state), delete groups, delete offsets and reset
// offsets, printing what Kafka 2.8's ConsumerGroupCommand prints. Command-line problems end with the usage and exit
// code 1; failures while running print `Error: ...` and exit 0, as the real tool does.
import { KafkaAdmin } from '../../client/admin/kafka-admin.js';
import { ErrorCode, errorInfo } from '../../protocol/errors.js';
import { loadPropertiesFile, consumerOptionsOf, defined } from '../consumer-properties.js';
import { javaToString } from '../java-errors.js';
import { ToolOptionError, type ToolOptions } from '../tool-options.js';
import { printUsageAndDie, type ToolIo } from '../tool-usage.js';
import { KAFKA_TOOLS_VERSION } from '../tool-version.js';
import { CONSUMER_GROUPS_SPECS, EXAMPLES, SUMMARY, checkConsumerGroupsArgs, parseConsumerGroupsArgs } from './consumer-groups-options.js';
import { describeGroup, memberRows, offsetRows } from './group-describe.js';
import { planReset, type PlannedOffset } from './group-reset.js';
import { deleteOffsetsTable, groupStatesTable, membersTable, offsetsTable, resetTable, stateTable } from './group-tables.js';

const STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'];

class Printer {
  constructor(private readonly io: ToolIo) {}
  out(text: string): void {
    this.io.stdout.write(text);
  }
  err(text: string): void {
    this.io.stderr.write(text);
  }
  /** Kafka's printError: on stdout, after a blank line. */
  error(message: string): void {
    this.out(`\nError: ${message}\n`);
  }
}

export async function runConsumerGroups(argv: readonly string[], io: ToolIo): Promise<number> {
  if (argv.length === 0) return printUsageAndDie(io, CONSUMER_GROUPS_SPECS, SUMMARY);
  let o: ToolOptions;
  try {
    o = parseConsumerGroupsArgs(argv);
  } catch (err) {
    if (err instanceof ToolOptionError) return printUsageAndDie(io, CONSUMER_GROUPS_SPECS, err.message);
    throw err;
  }
  if (o.has('help')) return printUsageAndDie(io, CONSUMER_GROUPS_SPECS, SUMMARY, EXAMPLES);
  if (o.has('version')) {
    io.stdout.write(`${KAFKA_TOOLS_VERSION}\n`);
    return 0;
  }
  const problem = checkConsumerGroupsArgs(o);
  if (problem !== undefined) return printUsageAndDie(io, CONSUMER_GROUPS_SPECS, problem);
  if (o.has('reset-offsets') && !o.has('dry-run') && !o.has('execute')) {
    io.stderr.write(
      'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n',
    );
  }
  const p = new Printer(io);
  let admin: KafkaAdmin;
  try {
    const props = o.has('command-config') ? loadPropertiesFile(o.value('command-config')!) : new Map<string, string>();
    const timeoutMs = o.integer('timeout')!;
    const fromProps = defined(consumerOptionsOf(props));
    admin = new KafkaAdmin({ clientId: fromProps.clientId, requestTimeoutMs: fromProps.requestTimeoutMs ?? Math.max(timeoutMs, 1000), retryBackoffMs: fromProps.retryBackoffMs, bootstrapServers: o.value('bootstrap-server')! });
  } catch (err) {
    return printUsageAndDie(io, CONSUMER_GROUPS_SPECS, (err as Error).message);
  }
  try {
    if (o.has('list')) await list(admin, o, p);
    else if (o.has('describe')) await describe(admin, o, p);
    else if (o.has('delete')) await deleteGroups(admin, o, p);
    else if (o.has('delete-offsets')) await deleteOffsets(admin, o, p);
    else if (o.has('reset-offsets')) {
      if (!o.has('all-topics') && !o.has('topic') && !o.has('from-file')) return printUsageAndDie(io, CONSUMER_GROUPS_SPECS, 'One of the reset scopes should be defined: --all-topics, --topic.');
      await resetOffsets(admin, o, p);
    }
    return 0;
  } catch (err) {
    if (err instanceof ToolOptionError) return printUsageAndDie(io, CONSUMER_GROUPS_SPECS, err.message);
    p.error(`Executing consumer group command failed due to ${(err as Error).message}`);
    return 0;
  } finally {
    await admin.close();
  }
}

async function consumerGroups(admin: KafkaAdmin): Promise<{ groupId: string; state: string }[]> {
  return (await admin.listGroups()).filter((g) => g.protocolType === 'consumer' || g.protocolType === '');
}

async function groupIds(admin: KafkaAdmin, o: ToolOptions): Promise<string[]> {
  return o.has('all-groups') ? (await consumerGroups(admin)).map((g) => g.groupId) : [...new Set(o.values('group'))];
}

async function list(admin: KafkaAdmin, o: ToolOptions, p: Printer): Promise<void> {
  const groups = await consumerGroups(admin);
  if (!o.has('state')) {
    p.out(groups.map((g) => `${g.groupId}\n`).join(''));
    return;
  }
  const filter = o.value('state');
  let wanted: Set<string> | undefined;
  if (filter !== undefined && filter !== '') {
    const asked = filter.split(',').map((s) => s.trim());
    const bad = asked.filter((s) => !STATES.some((x) => x.toLowerCase() === s.toLowerCase()));
    if (bad.length > 0) throw new ToolOptionError(`Invalid state list '${filter}'. Valid states are: ${STATES.join(', ')}`);
    wanted = new Set(asked.map((s) => s.toLowerCase()));
  }
  p.out(groupStatesTable(groups.filter((g) => wanted === undefined || wanted.has(g.state.toLowerCase()))));
}

/** Kafka's shouldPrintMemberState: messages for Dead, Empty and rebalancing groups; whether a table follows. */
function announceState(p: Printer, group: string, state: string, rows: number): boolean {
  if (state === 'Dead') p.error(`Consumer group '${group}' does not exist.`);
  else if (state === 'Empty') p.err(`\nConsumer group '${group}' has no active members.\n`);
  else if (state === 'PreparingRebalance' || state === 'CompletingRebalance') p.err(`\nWarning: Consumer group '${group}' is rebalancing.\n`);
  return state !== 'Dead' && rows > 0;
}

async function describe(admin: KafkaAdmin, o: ToolOptions, p: Printer): Promise<void> {
  const ids = (await groupIds(admin, o)).sort();
  for (const id of ids) {
    const g = await describeGroup(admin, id);
    const state = g.description.state;
    if (o.has('members')) {
      const rows = memberRows(g);
      if (announceState(p, id, state, rows.length)) p.out(membersTable(rows, o.has('verbose')));
    } else if (o.has('state')) {
      if (!announceState(p, id, state, 1)) continue;
      const node = admin.cluster.metadata.brokers.get(g.description.coordinator) ?? (await admin.cluster.refreshMetadata([])).brokers.get(g.description.coordinator);
      const coordinator = `${node?.host ?? ''}:${node?.port ?? -1} (${g.description.coordinator})`;
      p.out(stateTable({ group: id, coordinator, assignmentStrategy: g.description.protocol, state, members: g.description.members.length }));
    } else {
      const rows = state === 'Dead' ? [] : await offsetRows(admin, g);
      if (announceState(p, id, state, state === 'Dead' ? 1 : rows.length)) p.out(offsetsTable(rows));
    }
  }
}

async function deleteGroups(admin: KafkaAdmin, o: ToolOptions, p: Printer): Promise<void> {
  const ids = await groupIds(admin, o);
  const failed = new Map<string, unknown>();
  const done: string[] = [];
  for (const id of ids) {
    try {
      await admin.deleteGroups([id]);
      done.push(id);
    } catch (err) {
      failed.set(id, err);
    }
  }
  const quoted = (list: string[]) => list.map((g) => `'${g}'`).join(', ');
  if (failed.size === 0) {
    p.out(`Deletion of requested consumer groups (${quoted(done)}) was successful.\n`);
    return;
  }
  p.error('Deletion of some consumer groups failed:');
  for (const [g, err] of failed) p.out(`* Group '${g}' could not be deleted due to: ${javaToString(err)}\n`);
  if (done.length > 0) p.out(`\nThese consumer groups were deleted successfully: ${quoted(done)}\n`);
}

async function deleteOffsets(admin: KafkaAdmin, o: ToolOptions, p: Printer): Promise<void> {
  const groupId = o.value('group')!;
  const topics = o.values('topic');
  const rows: { topic: string; partition: number; status: string }[] = [];
  const byTopic = new Map<string, number[]>();
  for (const arg of topics) {
    const colon = arg.indexOf(':');
    if (colon >= 0) {
      const t = arg.slice(0, colon);
      byTopic.set(t, [...(byTopic.get(t) ?? []), ...arg.slice(colon + 1).split(',').map((x) => Number(x.trim()))]);
      continue;
    }
    try {
      const [d] = await admin.describeTopics([arg]);
      byTopic.set(arg, [...(byTopic.get(arg) ?? []), ...d!.partitions.map((x) => x.partition)]);
    } catch (err) {
      rows.push({ topic: arg, partition: -1, status: `Error: ${(err as Error).message}` });
    }
  }
  const result = await admin.deleteConsumerGroupOffsetsResults(groupId, [...byTopic].map(([topic, partitions]) => ({ topic, partitions })));
  const code = result.errorCode;
  if (code === ErrorCode.NONE) p.out(`Request succeed for deleting offsets with topic ${topics.join(', ')} group ${groupId}\n`);
  else if (code === ErrorCode.INVALID_GROUP_ID) p.error(`'${groupId}' is not valid.`);
  else if (code === ErrorCode.GROUP_ID_NOT_FOUND) p.error(`'${groupId}' does not exist.`);
  else if (code === ErrorCode.GROUP_AUTHORIZATION_FAILED) p.error(`Access to '${groupId}' is not authorized.`);
  else if (code === ErrorCode.NON_EMPTY_GROUP) p.error(`Deleting offsets of a consumer group '${groupId}' is forbidden if the group is not empty.`);
  else p.error(`Encounter some unknown error: ${errorInfo(code).name}`);
  const failedPartition = result.partitions.some((x) => x.errorCode !== 0);
  if (code === ErrorCode.NONE && failedPartition) p.error('Encounter some partition level error, see the follow-up details:');
  for (const x of result.partitions) rows.push({ topic: x.topic, partition: x.partition, status: x.errorCode === 0 && code === 0 ? 'Successful' : `Error: ${errorInfo(x.errorCode || code).message}` });
  p.out(deleteOffsetsTable(rows));
}

async function resetOffsets(admin: KafkaAdmin, o: ToolOptions, p: Printer): Promise<void> {
  const execute = o.has('execute');
  const plans = new Map<string, PlannedOffset[]>();
  for (const id of await groupIds(admin, o)) {
    const [d] = await admin.describeGroups([id]);
    const state = d!.state;
    if (state !== 'Empty' && state !== 'Dead') {
      p.error(`Assignments can only be reset if the group '${id}' is inactive, but the current state is ${state}.`);
      plans.set(id, []);
      continue;
    }
    const plan = (await planReset(admin, o, id, { print: (t) => p.out(t), warn: (l) => p.err(`${l}\n`) })).sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    if (execute) await admin.alterConsumerGroupOffsets(id, plan);
    plans.set(id, plan);
  }
  if (o.has('export')) {
    const single = o.values('group').length === 1;
    const lines = [...plans].flatMap(([g, list]) => list.map((x) => (single ? `${x.topic},${x.partition},${x.offset}` : `${g},${x.topic},${x.partition},${x.offset}`)));
    p.out(`${lines.map((l) => `${l}\n`).join('')}\n`);
    return;
  }
  p.out(resetTable(plans));
}
