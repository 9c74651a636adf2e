// Publishes a server's audit events (and session events) and periodic metrics snapshots as JSON records: an
// observer of the server pushes small objects into a bounded queue, an EventPublisher delivers them to a record
// sink. The sink (a Kafka producer) is given by whoever starts the server; this module knows no Kafka.
import type { KafkaExportSettings } from '../../config/zookeeper-kafka-export.js';
import type { TxnResult } from '../tree/data-tree.js';
import type { Txn } from '../tree/txn.js';
import type { Request } from '../server/request.js';
import type { Session } from '../server/session-tracker.js';
import type { ZooKeeperServer } from '../server/zookeeper-server.js';
import { AuditOperation, auditEventsOf, auditJson, auditKey, hex, serverUser, type AuditEvent } from './audit-event.js';
import { EventPublisher, type OutRecord, type RecordSink } from './event-publisher.js';
import { metricsJson, takeMetricsSnapshot, type MetricsSnapshot } from './metrics-snapshot.js';
import type { ServerObserver } from './server-observer.js';

export interface EventExportOptions {
  settings: KafkaExportSettings;
  /** Makes a sink for the records (again after each failure). */
  connect: () => RecordSink;
  log: (line: string) => void;
  /** What mntr reports as zk_version. */
  version: string;
  /** Overrides for the delivery loop (tests, benchmarks). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
}

type Item = AuditEvent | MetricsSnapshot;

/** How long stop() lets queued events reach Kafka before it gives up on them. */
export const STOP_GRACE_MS = 1000;

export class ZooKeeperEventExport implements ServerObserver {
  readonly publisher: EventPublisher<Item>;
  private readonly serverId: number;
  private readonly zkUser = serverUser();
  private readonly scratch: AuditEvent[] = [];
  private metricsTimer: NodeJS.Timeout | null = null;
  private attached = false;
  private stopAnnounced = false;

  constructor(private readonly server: ZooKeeperServer, private readonly opts: EventExportOptions) {
    this.serverId = server.settings.serverId;
    const { auditTopic, metricsTopic } = opts.settings;
    this.publisher = new EventPublisher<Item>({
      queueMax: opts.settings.queueMax,
      connect: opts.connect,
      log: opts.log,
      backoffMinMs: opts.backoffMinMs,
      backoffMaxMs: opts.backoffMaxMs,
      render: (item): OutRecord =>
        'metrics' in item
          ? { topic: metricsTopic, key: `server.${this.serverId}`, value: metricsJson(item, this.serverId), timestamp: item.time }
          : { topic: auditTopic, key: auditKey(item), value: auditJson(item, this.serverId), timestamp: item.time },
      droppedReport: (dropped, totalDropped) => ({
        time: Date.now(), user: this.zkUser, operation: AuditOperation.eventsDropped, result: 'success', dropped, totalDropped,
      }),
    });
  }

  /** Starts observing the server: a serverStart event, then every audited write, and the metrics timer. */
  start(): void {
    if (this.attached) return;
    this.attached = true;
    this.server.observers.push(this);
    this.publisher.offer({ time: Date.now(), user: this.zkUser, operation: AuditOperation.serverStart, result: 'success' });
    const every = this.opts.settings.metricsIntervalMs;
    if (every > 0) {
      this.metricsTimer = setInterval(() => this.publisher.offer(takeMetricsSnapshot(this.server, this.opts.version, Date.now())), every);
      this.metricsTimer.unref();
    }
  }

  writeApplied(req: Request, txn: Txn, result: TxnResult): void {
    const events = this.scratch;
    auditEventsOf(req, txn, result, Date.now(), events, this.zkUser);
    for (let i = 0; i < events.length; i++) this.publisher.offer(events[i]!);
    events.length = 0;
  }

  sessionExpired(s: Session): void {
    this.publisher.offer({ time: Date.now(), session: hex(s.id), user: this.zkUser, operation: AuditOperation.sessionExpired, result: 'success', timeoutMs: s.timeoutMs });
  }

  monitorFigures(sink: (key: string, value: string) => void): void {
    const p = this.publisher;
    sink('zkafka_kafka_queue_max', String(p.queue.capacity));
    sink('zkafka_kafka_queue_size', String(p.queue.size));
    sink('zkafka_kafka_queue_high_water', String(p.queue.highWater));
    sink('zkafka_kafka_events_enqueued', String(p.queue.enqueued));
    sink('zkafka_kafka_events_dropped', String(p.queue.dropped));
    sink('zkafka_kafka_records_sent', String(p.sent));
    sink('zkafka_kafka_send_failures', String(p.sendFailures));
    sink('zkafka_kafka_delivering', p.delivering ? '1' : '0');
  }

  /**
   * The serverStop event (result `invoked`: the server has not stopped yet, as in Apache's log), then the server
   * is no longer observed. Call before closing the server; stop() after.
   */
  serverStopping(): void {
    if (!this.attached || this.stopAnnounced) return;
    this.stopAnnounced = true;
    this.publisher.offer({ time: Date.now(), user: this.zkUser, operation: AuditOperation.serverStop, result: 'invoked' });
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    this.metricsTimer = null;
  }

  /** Stops observing, gives queued events up to `graceMs` to be delivered, then drops the connection to Kafka. */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.serverStopping();
    this.attached = false;
    const i = this.server.observers.indexOf(this);
    if (i >= 0) this.server.observers.splice(i, 1);
    await this.publisher.stop(graceMs);
  }
}
