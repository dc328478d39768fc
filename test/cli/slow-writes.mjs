// Preloaded (node --import) into a dtors child process by interrupt.test.ts: every staged file takes
// DTORS_TEST_WRITE_DELAY_MS to write, so a test can send a signal while charts are being written.
// dtors itself has no hook for this; the delay is added from outside, to Node's own fs module.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const delay = Number(process.env.DTORS_TEST_WRITE_DELAY_MS ?? 300);
const original = fs.writeFileSync;
fs.writeFileSync = function slowWriteFileSync(file, ...rest) {
  const result = original.call(this, file, ...rest);
  if (String(file).endsWith('.tmp')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
  return result;
};
syncBuiltinESMExports();
