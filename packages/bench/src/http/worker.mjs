// Worker of the HTTP section (run.mjs), one measurement per process, printed as a BENCH_RESULT line.
//   non-inference <base URL> <calls> <rounds>: CPU per `fetch` to a URL no inference route matches, with
//     the inference-servers instrumentation enabled and disabled in alternating rounds (same process, same
//     connection pool), median of each.
//   stream <base URL> <bytes> <on|off>: one OpenAI-style chat stream of <bytes> read chunk by chunk through
//     `fetch` from a server configured as vLLM; peak RSS growth over a baseline taken after a warm-up
//     stream, and the CPU the read took.
import { InferenceServersInstrumentation } from '@llm-provenance/instrumentation-inference-servers';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { median } from '../stats.mjs';

const [mode, base, amount, third] = process.argv.slice(2);
const exporter = new InMemorySpanExporter();
const instrumentation = new InferenceServersInstrumentation({ servers: [{ profile: 'vllm', url: base }] });
instrumentation.setTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
const cpuMicros = (since) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

if (mode === 'non-inference') {
  const calls = Number(amount);
  const rounds = Number(third);
  const round = async () => {
    const start = process.cpuUsage();
    for (let i = 0; i < calls; i++) {
      const response = await fetch(`${base}/api/items?page=${i}`, { method: 'POST', body: '{"q":"x"}', headers: { 'content-type': 'application/json' } });
      await response.text();
    }
    return cpuMicros(start) / calls;
  };
  instrumentation.disable();
  await round(); // warm-up: connection pool, JIT
  const on = [];
  const off = [];
  for (let i = 0; i < rounds; i++) {
    instrumentation.enable();
    on.push(await round());
    instrumentation.disable();
    off.push(await round());
  }
  const result = { calls, rounds, onMicros: median(on), offMicros: median(off), spans: exporter.getFinishedSpans().length };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
} else if (mode === 'stream') {
  if (third === 'on') instrumentation.enable();
  else instrumentation.disable();
  const body = JSON.stringify({ model: 'big', stream: true, messages: [{ role: 'user', content: 'go' }] });
  const read = async (bytes) => {
    const response = await fetch(`${base}/v1/chat/completions?bytes=${bytes}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const reader = response.body.getReader();
    let total = 0;
    let peak = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      peak = Math.max(peak, process.memoryUsage.rss());
    }
    return { total, peak };
  };
  await read(8 * 1024 * 1024);
  exporter.reset();
  const baseline = process.memoryUsage.rss();
  const start = process.cpuUsage();
  const { total, peak } = await read(Number(amount));
  const result = { bytes: total, growthBytes: peak - baseline, cpuMicros: cpuMicros(start), spans: exporter.getFinishedSpans().length };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
} else {
  throw new Error(`unknown mode ${mode}`);
}
