import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '@llm-provenance/provider-emulators';

/**
 * Starts a provider emulator in `beforeAll` and closes it in `afterAll`. Returns a handle that forwards
 * to the running emulator, so it can be declared at module or describe level and used inside tests and
 * in `beforeAll` hooks registered after this call (hooks run in registration order).
 */
export function useEmulator(options: EmulatorOptions = {}): Emulator {
  let running: Emulator | undefined;
  beforeAll(async () => {
    running = await startEmulator(options);
  });
  afterAll(async () => {
    await running?.close();
  });
  const current = (): Emulator => {
    if (!running) throw new Error('the emulator is not running: use it inside a test or a hook registered after useEmulator()');
    return running;
  };
  return {
    get url() {
      return current().url;
    },
    get port() {
      return current().port;
    },
    get requests() {
      return current().requests;
    },
    enqueue: (...scenarios) => current().enqueue(...scenarios),
    received: (count) => current().received(count),
    reset: () => current().reset(),
    close: () => current().close(),
  };
}

/** Before each test, resets every one of `resettables` (emulators, in-memory span exporters). */
export function resetBeforeEach(...resettables: Array<{ reset(): void }>): void {
  beforeEach(() => {
    for (const r of resettables) r.reset();
  });
}
