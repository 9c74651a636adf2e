// The two ways kafka-topics reaches a cluster (TopicCommand.TopicService): ZooKeeper directly (--zookeeper) or the
// admin API of a broker (--bootstrap-server). Each action prints Kafka's lines through `say`.
import type { TopicsArgs } from './topics-options.js';
import type { TopicDescription } from './topic-description.js';
import type { TopicCommandInput } from './topic-command-input.js';

export interface ListedTopic {
  name: string;
  /** --zookeeper mode prints `<name> - marked for deletion` for these. */
  markedForDeletion: boolean;
}

export interface DescribeResult {
  topics: TopicDescription[];
  liveBrokers: ReadonlySet<number>;
}

export interface TopicService {
  /** Creates the topic; false when it existed and --if-not-exists was given. */
  create(args: TopicsArgs, input: TopicCommandInput): Promise<boolean>;
  list(args: TopicsArgs): Promise<ListedTopic[]>;
  describe(args: TopicsArgs, say: (line: string) => void): Promise<DescribeResult>;
  alter(args: TopicsArgs, input: TopicCommandInput, say: (line: string) => void): Promise<void>;
  delete(args: TopicsArgs, say: (line: string) => void): Promise<void>;
  /** Whether every partition of the topic has a leader (for the wait a terminal shows after create); admin API only. */
  leadersElected?(topic: string): Promise<boolean>;
  close(): Promise<void>;
}
