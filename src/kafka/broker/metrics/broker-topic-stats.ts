// Kafka's BrokerTopicStats and ReplicaManager meters as plain counters: the produce and fetch paths add to numbers
// (one map lookup per topic and request), and the metrics page reads them when scraped. Kafka's meters also keep
// rates; a Prometheus server derives those from the totals.

export class TopicCounters {
  bytesIn = 0;
  messagesIn = 0;
  bytesOut = 0;
  replicationBytesOut = 0;
  totalProduceRequests = 0;
  failedProduceRequests = 0;
  totalFetchRequests = 0;
  failedFetchRequests = 0;
}

export class BrokerTopicStats {
  /** Every topic together (Kafka's allTopicsStats). */
  readonly all = new TopicCounters();
  readonly topics = new Map<string, TopicCounters>();
  /** ReplicaManager's IsrShrinksPerSec and IsrExpandsPerSec: ISR changes of partitions led here, confirmed by the controller. */
  isrShrinks = 0;
  isrExpands = 0;

  /**
   * A topic's counters, created by the first successful append or fetch (the topic is hosted here): requests naming
   * topics nobody hosts count only in `all`, so a client cannot grow this map with made-up names.
   */
  topic(name: string): TopicCounters {
    let t = this.topics.get(name);
    if (t === undefined) this.topics.set(name, (t = new TopicCounters()));
    return t;
  }

  /** Kafka removes a topic's meters when its last partition here is deleted. */
  removeTopic(name: string): void {
    this.topics.delete(name);
  }

  /** `bytes` of `messages` records appended as leader to a partition of `topic`. */
  appended(topic: string, bytes: number, messages: number): void {
    const t = this.topic(topic);
    const all = this.all;
    t.totalProduceRequests++;
    t.bytesIn += bytes;
    t.messagesIn += messages;
    all.totalProduceRequests++;
    all.bytesIn += bytes;
    all.messagesIn += messages;
  }

  /** A produce to one partition failed. */
  produceFailed(topic: string): void {
    this.all.totalProduceRequests++;
    this.all.failedProduceRequests++;
    const t = this.topics.get(topic);
    if (t === undefined) return;
    t.totalProduceRequests++;
    t.failedProduceRequests++;
  }

  /** One partition of a fetch answered with `bytes` of records (or failed). */
  fetched(topic: string, bytes: number, failed: boolean, fromFollower: boolean): void {
    const all = this.all;
    all.totalFetchRequests++;
    if (failed) {
      all.failedFetchRequests++;
      const t = this.topics.get(topic);
      if (t === undefined) return;
      t.totalFetchRequests++;
      t.failedFetchRequests++;
      return;
    }
    const t = this.topic(topic);
    t.totalFetchRequests++;
    t.bytesOut += bytes;
    all.bytesOut += bytes;
    if (fromFollower) {
      t.replicationBytesOut += bytes;
      all.replicationBytesOut += bytes;
    }
  }
}
