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

  topic(name: string): TopicCounters {
    let t = this.topics.get(name);
    if (t === undefined) this.topics.set(name, (t = new TopicCounters()));
    return t;
  }

  /** A produce to one partition, before its records are appended. */
  produceRequested(topic: string): TopicCounters {
    const t = this.topic(topic);
    t.totalProduceRequests++;
    this.all.totalProduceRequests++;
    return t;
  }

  /** `bytes` of `messages` records appended as leader. */
  appended(t: TopicCounters, bytes: number, messages: number): void {
    t.bytesIn += bytes;
    t.messagesIn += messages;
    this.all.bytesIn += bytes;
    this.all.messagesIn += messages;
  }

  produceFailed(t: TopicCounters): void {
    t.failedProduceRequests++;
    this.all.failedProduceRequests++;
  }

  /** One partition of a fetch answered with `bytes` of records (or failed). */
  fetched(topic: string, bytes: number, failed: boolean, fromFollower: boolean): void {
    const t = this.topic(topic);
    const all = this.all;
    t.totalFetchRequests++;
    all.totalFetchRequests++;
    if (failed) {
      t.failedFetchRequests++;
      all.failedFetchRequests++;
      return;
    }
    t.bytesOut += bytes;
    all.bytesOut += bytes;
    if (fromFollower) {
      t.replicationBytesOut += bytes;
      all.replicationBytesOut += bytes;
    }
  }
}
