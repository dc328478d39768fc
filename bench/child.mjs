// Runs dtors exactly as bin/dtors.js does, and on exit records the process's own resource usage,
// which a parent cannot read portably once the child is gone (/usr/bin/time is not everywhere).
//
//   DTORS_BENCH_RUSAGE=/tmp/usage.json node bench/child.mjs chart PROJECT --out DIR
//
// The file gets one JSON object: maxRSS in KiB (as Node reports it), user and system CPU in µs.
import { writeFileSync } from 'node:fs';
import { main } from '../dist/cli/main.js';

const usageFile = process.env.DTORS_BENCH_RUSAGE;
if (usageFile) {
  // 'exit' also fires when dtors calls process.exit itself (e.g. on EPIPE), so nothing is missed.
  process.on('exit', (code) => {
    const u = process.resourceUsage();
    writeFileSync(usageFile, JSON.stringify({ code, maxRSS: u.maxRSS, userCPU: u.userCPUTime, systemCPU: u.systemCPUTime }) + '\n');
  });
}

// Same exit-code policy as bin/dtors.js, so the benchmark fails exactly when the binary would.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`dtors: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 70;
  },
);
