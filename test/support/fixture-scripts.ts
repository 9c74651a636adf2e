// Per-recording replay settings: the server variant, and the sessions a recording shows only the effects of,
// played by hidden clients so that every zxid after them still lines up.
import type { ReplayScript } from './fixture-replay.js';

const EPHEMERAL = 1;

export const FIXTURE_SCRIPTS: Record<string, ReplayScript> = {
  'create-ttl-disabled.jsonl': { extendedTypes: false },

  'connect-variants.jsonl': {
    caveats: [
      'session #7 (zxid 0xf) lived on a connection outside the recording; a hidden client opens it before conn 8 and loses it to conn 10',
    ],
    before: {
      43: async (h) => {
        await h.open('elsewhere', 10000);
      },
    },
  },

  'watches.jsonl': {
    caveats: [
      'the events conn 4 receives (seq 97-99) and zxids 0x14-0x19 come from session #4, outside the recording: a hidden client ' +
        'opens it, creates /cw/x, sets /cw, pads with failed deletes and closes it; the exact writes it made are not recorded',
    ],
    before: {
      97: async (h) => {
        const other = await h.open('other', 30000);
        await other.create('/cw/x', 'x');
        await other.setData('/cw', 'changed');
        await other.padTo(() => h.server.lastProcessedZxid, 0x18n);
        await other.closeSession();
      },
    },
  },

  'fourletter.jsonl': {
    caveats: ['the session with an ephemeral node and watches is outside the recording: a hidden client plays it (/f, /f/eph, a data and a child watch on /f)'],
    before: {
      1: async (h) => {
        const s = await h.open('watcher', 10000);
        await s.create('/f', 'f');
        await s.create('/f/eph', 'e', EPHEMERAL);
        await s.getData('/f', true);
        await s.getChildren('/f', true);
      },
    },
  },

  'reconnect.jsonl': {
    caveats: ['the tree was set up and changed while the client was cut off by session #0, outside the recording: a hidden client plays it'],
    before: {
      1: async (h) => {
        const w = await h.open('writer', 10000);
        await w.create('/r1', 'v1');
        await w.create('/r1/kid', 'k');
        await w.create('/r3', '');
      },
      15: async (h) => {
        const w = await h.open('writer');
        await w.setData('/r1', 'v2');
        await w.create('/r2', 'n');
        await w.create('/r1/kid2', 'k');
      },
    },
  },

  'reconnect-setwatches2.jsonl': {
    caveats: ['the tree was set up and changed while the client was cut off by session #0, outside the recording: a hidden client plays it'],
    before: {
      1: async (h) => {
        const w = await h.open('writer', 10000);
        await w.create('/q', 'q');
      },
      13: async (h) => {
        const w = await h.open('writer');
        await w.setData('/q', 'q2');
      },
    },
  },

  'reconnect-c.jsonl': {
    caveats: ['the tree was set up and changed while the client was cut off by session #0, outside the recording: a hidden client plays it'],
    before: {
      1: async (h) => {
        const w = await h.open('writer', 10000);
        await w.create('/rc', 'v1');
        await w.create('/rc/kid', 'k');
      },
      11: async (h) => {
        const w = await h.open('writer');
        await w.setData('/rc', 'v2');
        await w.create('/rcx', 'x');
      },
    },
  },

  'reconnect-node.jsonl': {
    caveats: ['the tree was set up and changed while the client was cut off by session #0, outside the recording: a hidden client plays it'],
    before: {
      1: async (h) => {
        const w = await h.open('writer', 10000);
        await w.create('/rn', 'v1');
        await w.create('/rn/kid', 'k');
      },
      13: async (h) => {
        const w = await h.open('writer');
        await w.setData('/rn', 'v2');
        await w.create('/rnx', 'x');
      },
    },
  },
};
