// Which topics a kafka-topics command acts on: Kafka's IncludeList (the --topic value as a Java regex that must match
// the whole name, commas read as alternation, spaces and surrounding quotes dropped) and --exclude-internal.
import { isInternalTopic } from '../../admin/topic-name.js';

export class InvalidTopicRegexError extends Error {}

/** IncludeList(rawRegex).regex, compiled as a whole-name match. */
export function includeListPattern(rawRegex: string): RegExp {
  const regex = rawRegex.trim().replaceAll(',', '|').replaceAll(' ', '').replace(/^["']+/, '').replace(/["']+$/, '');
  try {
    return new RegExp(`^(?:${regex})$`, 'u');
  } catch {
    throw new InvalidTopicRegexError(`${regex} is an invalid regex.`);
  }
}

/** TopicCommand.doGetTopics over the sorted names. */
export function selectTopics(allTopics: readonly string[], topic: string | undefined, excludeInternal: boolean): string[] {
  const sorted = [...allTopics].sort();
  if (topic === undefined) return sorted.filter((t) => !(excludeInternal && isInternalTopic(t)));
  const pattern = includeListPattern(topic);
  return sorted.filter((t) => pattern.test(t) && !(excludeInternal && isInternalTopic(t)));
}

/** TopicCommand.ensureTopicExists. */
export function ensureTopicExists(found: readonly string[], requested: string | undefined, requireExists: boolean): void {
  if (requested !== undefined && requireExists && found.length === 0) {
    throw new Error(`Topic '${requested}' does not exist as expected`);
  }
}
