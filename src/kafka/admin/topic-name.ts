// Kafka's Topic.validate / hasCollision and the internal topic names, with Kafka 2.8's exception texts.

export const MAX_TOPIC_NAME_LENGTH = 249;
export const GROUP_METADATA_TOPIC = '__consumer_offsets';
export const TRANSACTION_STATE_TOPIC = '__transaction_state';
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set([GROUP_METADATA_TOPIC, TRANSACTION_STATE_TOPIC]);

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Kafka's InvalidTopicException / TopicExistsException / ... carried as the protocol error name and Kafka's text. */
export class AdminError extends Error {
  override readonly name = 'AdminError';
  constructor(
    readonly errorCode: number,
    message: string | null,
  ) {
    super(message ?? '');
  }

  /** What goes in a response's error_message: null when Kafka sends none. */
  get errorMessage(): string | null {
    return this.message === '' ? null : this.message;
  }
}

/** Topic.validate: the text of the InvalidTopicException, or null for a legal name. */
export function topicNameProblem(topic: string): string | null {
  if (topic.length === 0) return "Topic name is illegal, it can't be empty";
  if (topic === '.' || topic === '..') return 'Topic name cannot be "." or ".."';
  if (topic.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${topic}`;
  }
  if (!LEGAL.test(topic)) return `Topic name "${topic}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  return null;
}

/** Topic.hasCollisionChars: '.' and '_' map to the same metric name. */
export const hasCollisionChars = (topic: string): boolean => topic.includes('_') || topic.includes('.');

/** Topic.hasCollision: equal once '.' is read as '_'. */
export const hasCollision = (a: string, b: string): boolean => a.replaceAll('.', '_') === b.replaceAll('.', '_');

export const isInternalTopic = (topic: string): boolean => INTERNAL_TOPICS.has(topic);
