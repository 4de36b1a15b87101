/**
 * examples/dispatch run as a user runs it (`node start.mjs`): a dispatcher, two worker processes and a real
 * redis-server, every process exporting over OTLP to a loopback receiver. Asserts that every GenAI span
 * carries the user who asked, the job's task id, the worker that ran it and the route backend and reason,
 * across the process boundaries, and that each trace runs request -> job -> attempt -> route -> model call.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStore, startOtlpReceiver, TEST_ROOT, testTempDir, type OtlpSpan } from '../harness/index.js';

const EXAMPLE = path.resolve(TEST_ROOT, '../examples/dispatch');
const HAVE_REDIS_SERVER = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: EXAMPLE, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`start.mjs exited with ${code}\n${stdout}\n${stderr}`))));
  });
}

const title = HAVE_REDIS_SERVER ? 'examples/dispatch' : 'examples/dispatch (skipped: redis-server is not installed)';

describe.skipIf(!HAVE_REDIS_SERVER)(title, () => {
  it('attributes every model call to its user, task, worker and route, in one trace from the request to the model call', async () => {
    const store = testTempDir('dispatch-example-');
    const receiver = await startOtlpReceiver();
    let stdout: string;
    try {
      stdout = await run(['start.mjs', '--store', store], { PATH: process.env.PATH, NO_COLOR: '1', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    } finally {
      await receiver.close();
    }
    // The example's own report: which user each task was for and which backend answered it.
    const tasks = [...stdout.matchAll(/^task (\S+) for (\S+): answered by (\S+)$/gm)].map(([, taskId, user, backend]) => ({ taskId, user, backend }));
    expect(tasks.map((t) => t.user).sort()).toEqual(['alice', 'alice', 'bob', 'bob']);
    expect(tasks.filter((t) => t.backend === 'secondary')).toHaveLength(1);

    const spans = receiver.spans();
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentOf = (span: OtlpSpan): OtlpSpan => {
      const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
      if (!parent) throw new Error(`span ${span.name} (${span.resource['service.name']}) has no exported parent`);
      return parent;
    };
    const service = (span: OtlpSpan) => span.resource['service.name'];

    const genAI = spans.filter((s) => s.scope.name === '@llm-provenance/instrumentation-openai');
    // One call per task, and one more: the call the primary backend answered with a 429.
    expect(genAI).toHaveLength(5);
    const seen: Array<[string, string, string, number]> = [];
    for (const call of genAI) {
      const route = parentOf(call);
      const consumer = parentOf(route);
      const producer = parentOf(consumer);
      const request = parentOf(producer);
      expect([route.name, consumer.kind, producer.kind, request.kind, request.name]).toEqual([
        `route ${route.attributes['provenance.route.backend']}`,
        'CONSUMER',
        'PRODUCER',
        'SERVER',
        'POST /tasks',
      ]);
      expect(request.parentSpanId).toBeUndefined();
      expect(new Set([call, route, consumer, producer, request].map((s) => s.traceId)).size).toBe(1);
      // Process boundaries: the request and the job's producer span in the dispatcher, the rest in a worker.
      expect([service(request), service(producer)]).toEqual(['dispatcher', 'dispatcher']);
      const worker = service(consumer);
      expect(['worker-1', 'worker-2']).toContain(worker);
      expect([service(route), service(call)]).toEqual([worker, worker]);

      const taskId = consumer.attributes['messaging.message.id'] as string;
      expect(producer.attributes['messaging.message.id']).toBe(taskId);
      const task = tasks.find((t) => t.taskId === taskId);
      expect(task).toBeDefined();
      expect({
        user: call.attributes['enduser.id'],
        task: call.attributes['provenance.task.id'],
        worker: call.attributes['provenance.worker.id'],
        backend: call.attributes['provenance.route.backend'],
        reason: call.attributes['provenance.route.reason'],
      }).toEqual({
        user: task!.user,
        task: taskId,
        worker,
        backend: route.attributes['provenance.route.backend'],
        reason: route.attributes['provenance.route.reason'],
      });
      seen.push([taskId, call.attributes['provenance.route.backend'] as string, call.attributes['provenance.route.reason'] as string, call.status.code]);
    }
    // The router: every task tried the primary first ('cheapest'); the one it answered with a 429 went on
    // to the secondary ('rate_limited'), which answered.
    const fellBack = tasks.find((t) => t.backend === 'secondary')!;
    const ERROR = 2;
    const UNSET = 0;
    expect(seen.sort()).toEqual(
      [...tasks.map((t) => [t.taskId, 'primary', 'cheapest', t === fellBack ? ERROR : UNSET]), [fellBack.taskId, 'secondary', 'rate_limited', UNSET]].sort(),
    );
    const limited = genAI.find((s) => s.status.code === ERROR)!;
    expect(limited.attributes['error.type']).toBe('429');

    // Each worker process kept its own store; every model call is a record there, with the same attribution.
    const attribution = (a: Record<string, unknown>) =>
      ['enduser.id', 'provenance.task.id', 'provenance.worker.id', 'provenance.route.backend', 'provenance.route.reason'].map((k) => a[k]).join(' ');
    const stored: string[] = [];
    for (const name of ['worker-1', 'worker-2']) {
      const { logs } = await readStore(path.join(store, name)).catch(() => ({ logs: [] }));
      for (const log of logs) {
        for (const record of log.records) {
          const attributes = record.attributes as Record<string, unknown>;
          if (attributes['gen_ai.operation.name'] === 'chat') stored.push(attribution(attributes));
        }
      }
    }
    expect(stored.sort()).toEqual(genAI.map((s) => attribution(s.attributes)).sort());
  });
});
