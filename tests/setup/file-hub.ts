/**
 * A hub of the test file's own (setupFiles of the "hub" project): before the
 * file's tests, its four databases are copied from the run's templates and
 * a stack is started over them on free ports; afterwards both go. No test
 * sees another file's data, whatever order or parallelism the files run in.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { dropDatabasesStartingWith, startHub } from './hub-server.ts';
import { setFileHub } from '../helpers/hub.ts';
import type { Stack } from '../../scripts/stack.ts';

const server = inject('hubServer');
const prefix = `${server.prefix}_${randomBytes(4).toString('hex')}`;
let stack: Stack | undefined;
setFileHub(prefix, undefined);

beforeAll(async () => {
  stack = await startHub({ ...server, prefix });
  setFileHub(prefix, stack);
});

afterAll(async () => {
  await stack?.stop();
  await dropDatabasesStartingWith(server.postgresUrl, prefix);
});
