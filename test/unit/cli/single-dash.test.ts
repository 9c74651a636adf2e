import { test } from 'node:test';
import assert from 'node:assert/strict';
import { singleDashToLong } from '../../../src/cli/single-dash.js';

test('named single-dash options become long options, others and anything after -- stay', () => {
  assert.deepEqual(
    singleDashToLong(['-daemon', '-d', '-server=h:1', 'zoo.cfg', '--', '-daemon'], ['daemon', 'server']),
    ['--daemon', '-d', '--server=h:1', 'zoo.cfg', '--', '-daemon'],
  );
  assert.deepEqual(singleDashToLong(['--daemon', '-daemonx'], ['daemon']), ['--daemon', '-daemonx']);
});
