// Added CPU per call, side by side: ROUNDS rounds; in each, every configuration's worker runs once per kind
// of call (plain, stream), the configurations' order rotating from round to round so a slow spell of the
// machine is spread over all of them. Per configuration and kind: the median over rounds of each worker's
// median(enabled block) - median(disabled block), and its ratio to the lightest peer's.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultOf, runNode } from '../child.mjs';
import { median } from '../stats.mjs';
import { CONFIGURATIONS } from './configurations.mjs';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.mjs');
export const MODES = ['plain', 'stream'];

/** `ids`: the configurations to run (default all). `log`: progress lines. */
export async function runPerCall({ rounds, ids, env, log }) {
  const selected = CONFIGURATIONS.filter((c) => !ids || ids.includes(c.id));
  if (selected.length === 0) throw new Error(`BENCH_CONFIGURATIONS matches none of ${CONFIGURATIONS.map((c) => c.id).join(', ')}`);
  const runs = new Map(selected.flatMap((c) => MODES.map((mode) => [`${c.id} ${mode}`, []])));
  for (let round = 0; round < rounds; round++) {
    const shift = round % selected.length;
    const order = [...selected.slice(shift), ...selected.slice(0, shift)];
    if (round % 2 === 1) order.reverse();
    for (const mode of MODES) {
      for (const configuration of order) {
        const what = `per-call worker ${configuration.id} ${mode}`;
        const result = resultOf(what, await runNode([WORKER, configuration.id, mode], { env, pin: true }));
        runs.get(`${configuration.id} ${mode}`).push(result);
        log(
          `round ${round + 1}/${rounds} ${mode.padEnd(6)} ${configuration.id.padEnd(15)} +${result.addedMicros.toFixed(1)} us/call (uninstrumented ${result.baseMicros.toFixed(1)} us)`,
        );
      }
    }
  }
  return summarise(selected, runs);
}

function summarise(selected, runs) {
  const rows = selected.map((configuration) => {
    const byMode = {};
    for (const mode of MODES) {
      const results = runs.get(`${configuration.id} ${mode}`);
      const sum = (key) => results.reduce((total, r) => total + (r[key] ?? 0), 0);
      byMode[mode] = {
        addedMicros: median(results.map((r) => r.addedMicros)),
        addedPerRound: results.map((r) => r.addedMicros),
        baseMicros: median(results.map((r) => r.baseMicros)),
        enabledCalls: sum('enabledCalls'),
        spansEnded: sum('spansEnded'),
        spansExported: sum('spansExported'),
        spansDropped: sum('spansDropped'),
        otlpBytesPerSpan: median(results.map((r) => r.otlpBytesPerSpan)),
        ...(results[0].logsEmitted !== undefined
          ? {
              logsEmitted: sum('logsEmitted'),
              logsExported: sum('logsExported'),
              logsDropped: sum('logsDropped'),
              otlpLogBytesPerCall: median(results.map((r) => r.otlpLogBytesPerCall)),
            }
          : {}),
        ...(results[0].storeRecords !== undefined
          ? { storeSpanRecords: results.reduce((t, r) => t + (r.storeRecords.span ?? 0), 0), storeVerified: results.every((r) => r.storeVerified) }
          : {}),
        blockCalls: results[0].blockCalls,
        enabledBlocks: results[0].enabledMicros.length,
      };
    }
    return { id: configuration.id, label: configuration.label, peer: configuration.peer, packageName: configuration.packageName, ...byMode };
  });
  const lightest = {};
  for (const mode of MODES) {
    const peers = rows.filter((r) => r.peer);
    if (peers.length === 0) continue;
    const best = peers.reduce((a, b) => (b[mode].addedMicros < a[mode].addedMicros ? b : a));
    lightest[mode] = { id: best.id, addedMicros: best[mode].addedMicros };
    for (const row of rows) row[mode].ratioToLightest = row[mode].addedMicros / best[mode].addedMicros;
  }
  return { rows, lightest };
}
