// The files of a cluster on one machine (quickstart): every node on its own ports and directories, made from
// templates/zoo.cfg and templates/server.properties.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { myidText, readTemplate, renderConfig, writeText } from './config-files.js';
import { serverPropertiesPath, zookeeperConnect, zooCfgPath, type BrokerNode, type ClusterLayout, type ZooKeeperNode } from './layout.js';

/** The four-letter words `cluster status` and people use on a local cluster. */
const LOCAL_4LW = 'srvr,stat,mntr,ruok,conf,isro';

export function localZooCfg(layout: ClusterLayout, node: ZooKeeperNode): string {
  return renderConfig(
    readTemplate('zoo.cfg'),
    [
      ['dataDir', node.dataDir],
      ['clientPort', String(node.clientPort)],
      ['clientPortAddress', node.host],
      ['4lw.commands.whitelist', LOCAL_4LW],
      ['admin.enableServer', 'false'],
    ],
    layout.zookeepers,
  );
}

export function localServerProperties(layout: ClusterLayout, node: BrokerNode): string {
  const replication = String(Math.min(3, layout.brokers.length));
  return renderConfig(readTemplate('server.properties'), [
    ['broker.id', String(node.id)],
    ['listeners', `PLAINTEXT://${node.host}:${node.port}`],
    ['zookeeper.connect', zookeeperConnect(layout)],
    ['log.dirs', node.logDir],
    ['offsets.topic.replication.factor', replication],
    ['transaction.state.log.replication.factor', replication],
    ['transaction.state.log.min.isr', String(Math.min(2, layout.brokers.length))],
    // No 3 s wait before a new group's first rebalance (as in Kafka's shipped server.properties).
    ['group.initial.rebalance.delay.ms', '0'],
    // The last broker of a stopping cluster leads partitions no one else can take: its controlled shutdown fails each
    // of its three attempts, and Kafka's 5 s between them would make every stop of the cluster take ten seconds.
    ['controlled.shutdown.retry.backoff.ms', '500'],
  ]);
}

/**
 * Writes each node's config (and myid) unless the directory already has it: a second run keeps the files, which the
 * user may have edited, and the data next to them. Returns the files written.
 */
export function writeLocalConfigs(layout: ClusterLayout): string[] {
  const written: string[] = [];
  const write = (file: string, text: () => string) => {
    if (existsSync(file)) return;
    writeText(file, text());
    written.push(file);
  };
  for (const z of layout.zookeepers) {
    mkdirSync(z.dataDir, { recursive: true });
    write(zooCfgPath(z), () => localZooCfg(layout, z));
    write(join(z.dataDir, 'myid'), () => myidText(z.id));
  }
  for (const b of layout.brokers) {
    mkdirSync(b.logDir, { recursive: true });
    write(serverPropertiesPath(b), () => localServerProperties(layout, b));
  }
  return written;
}
