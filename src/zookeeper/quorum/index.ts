// Replicated ZooKeeper: election and ZAB as pure state machines, and the Apache 3.8 wire formats they speak.
export * from './zxid.js';
export * from './quorum-verifier.js';
export * from './quorum-peer.js';
export * from './election/vote.js';
export * from './election/fast-leader-election.js';
export * from './wire/election-messages.js';
export * from './wire/packet-types.js';
export * from './wire/quorum-packet.js';
export type * from './wire/zab-messages.js';
export * from './zab/types.js';
export * from './zab/leader.js';
export * from './zab/learner.js';
