// Preloaded LAST (node --import <this file>, after any register entry): when the process exits, after the
// exit handlers registered before this one (a register's final store flush among them), writes the
// process's peak RSS and total CPU time to the file named by BENCH_USAGE_FILE.
// process.resourceUsage(): https://nodejs.org/api/process.html#processresourceusage
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMicros: usage.userCPUTime + usage.systemCPUTime, ...globalThis.benchUsageExtra }));
  });
}
