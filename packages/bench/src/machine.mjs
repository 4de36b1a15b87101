// What the figures were measured on: they are only comparable within one run on one machine.
import * as os from 'node:os';
import { CAN_PIN, PIN_CPU } from './child.mjs';

export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 2 ** 30,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    pinned: CAN_PIN ? `taskset -c ${PIN_CPU}` : 'no (taskset unavailable)',
    loadAverage: os.loadavg(),
    date: new Date().toISOString(),
  };
}
