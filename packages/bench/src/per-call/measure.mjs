// The measurement itself, for one configuration already set up and `openai` already loaded: blocks of calls
// alternating between instrumentation.enable() and disable(), each block's CPU time including the flush
// that exports its spans, and the counts checked after every block.

/**
 * `setup`: what a configuration's create() returned (instrumentation, counts(), flush(), contentOn).
 * `call`: one call. Returns CPU microseconds per call of every measured block, enabled and disabled, and
 * how many calls were traced. Rejects, naming the configuration and the block, as soon as a count is wrong.
 */
export async function measureBlocks({ setup, call, label, blockCalls, warmupPairs, pairs }) {
  let enabledCalls = 0;
  const block = async (enabled) => {
    if (enabled) setup.instrumentation.enable();
    else setup.instrumentation.disable();
    const before = setup.counts();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < blockCalls; i++) await call();
    await setup.flush();
    const cpu = process.cpuUsage(cpu0);
    checkBlock({
      label: `${label}, ${enabled ? 'enabled' : 'disabled'} block of ${blockCalls} calls`,
      contentOn: setup.contentOn,
      before,
      after: setup.counts(),
      expected: enabled ? blockCalls : 0,
    });
    if (enabled) enabledCalls += blockCalls;
    return (cpu.user + cpu.system) / blockCalls;
  };
  for (let i = 0; i < warmupPairs; i++) {
    await block(true);
    await block(false);
  }
  const enabled = [];
  const disabled = [];
  // Alternate which comes first, so a drift in the machine's speed hits both sides alike.
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      disabled.push(await block(false));
      enabled.push(await block(true));
    } else {
      enabled.push(await block(true));
      disabled.push(await block(false));
    }
  }
  return { enabled, disabled, enabledCalls };
}

/**
 * Throws unless the block ended and exported exactly `expected` spans (one per call when enabled, none
 * when disabled), each carrying the call's content where the configuration puts it (`contentOn`: 'spans',
 * or 'logs' for one user-message and one choice log record per call), with no span or log record dropped.
 */
export function checkBlock({ label, contentOn, before, after, expected }) {
  const delta = (key) => (after[key] ?? 0) - (before[key] ?? 0);
  const problems = [];
  if (delta('ended') !== expected) problems.push(`${delta('ended')} spans ended, expected ${expected}`);
  if (delta('exported') !== delta('ended')) problems.push(`${delta('exported')} spans exported of ${delta('ended')} ended (dropped)`);
  if (contentOn === 'spans' && delta('withContent') !== expected)
    problems.push(`${delta('withContent')} exported spans carry the prompt and the answer, expected ${expected}`);
  if (contentOn === 'logs') {
    if (delta('logsExported') !== delta('logsEmitted'))
      problems.push(`${delta('logsExported')} log records exported of ${delta('logsEmitted')} emitted (dropped)`);
    if (delta('logsWithInput') !== expected) problems.push(`${delta('logsWithInput')} log records carry the prompt, expected ${expected}`);
    if (delta('logsWithOutput') !== expected) problems.push(`${delta('logsWithOutput')} log records carry the answer, expected ${expected}`);
  }
  if (problems.length > 0) throw new Error(`${label}: ${problems.join('; ')}`);
}
