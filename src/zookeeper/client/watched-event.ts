// What listeners receive: Java's WatchedEvent with the enum names instead of wire numbers.
import { EventType, KeeperState } from '../jute/constants.js';

export type EventTypeName = keyof typeof EventType;
export type KeeperStateName = keyof typeof KeeperState;

const EVENT_TYPE_NAMES = new Map<number, EventTypeName>(Object.entries(EventType).map(([k, v]) => [v, k as EventTypeName]));
const KEEPER_STATE_NAMES = new Map<number, KeeperStateName>(Object.entries(KeeperState).map(([k, v]) => [v, k as KeeperStateName]));

export function eventTypeName(type: number): EventTypeName {
  const name = EVENT_TYPE_NAMES.get(type);
  if (name === undefined) throw new RangeError(`Invalid Event Type: ${type}`);
  return name;
}

export function keeperStateName(state: number): KeeperStateName {
  const name = KEEPER_STATE_NAMES.get(state);
  if (name === undefined) throw new RangeError(`Invalid Keeper State: ${state}`);
  return name;
}

export class WatchedEvent {
  constructor(
    readonly type: EventTypeName,
    readonly state: KeeperStateName,
    /** Client path (chroot removed); null for connection-state events. */
    readonly path: string | null,
  ) {}

  /** As Java 3.8 prints it (zkCli's watcher output). */
  toString(): string {
    return `WatchedEvent state:${this.state} type:${this.type} path:${this.path}`;
  }
}

export type WatchListener = (event: WatchedEvent) => void;
