// The dispatcher: an HTTP service that takes a user's request, puts it on the `tasks` queue as a job and
// answers with the job's result. Run under `node --import @llm-provenance/auto-instrumentations/register`;
// the BullMQ instrumentation records the job's PRODUCER span and carries the trace and the user to the
// worker inside the job.
// Env: REDIS_URL; prints `listening <port>` once it accepts requests.
import http from 'node:http';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { Queue, QueueEvents } from 'bullmq';
import { withAttribution } from '@llm-provenance/auto-instrumentations';

const connection = { url: process.env.REDIS_URL };
const queue = new Queue('tasks', { connection });
const events = new QueueEvents('tasks', { connection });
await events.waitUntilReady();
const tracer = trace.getTracer('dispatcher');

const server = http.createServer((req, res) => {
  // The request's own span, so the trace starts at the request: request -> job -> model call.
  const span = tracer.startSpan(`${req.method} /tasks`, {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': req.method, 'url.path': req.url },
  });
  context.with(trace.setSpan(context.active(), span), () => {
    handle(req)
      .then(
        (body) => reply(res, 200, body),
        (err) => {
          span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
          reply(res, err.status ?? 500, { error: err.message });
        },
      )
      .finally(() => {
        span.setAttribute('http.response.status_code', res.statusCode);
        span.end();
      });
  });
});

async function handle(req) {
  if (req.method !== 'POST' || req.url !== '/tasks') throw Object.assign(new Error('POST /tasks only'), { status: 404 });
  // A real service takes the user from its authentication; here the caller names itself.
  const userId = req.headers['x-user-id'];
  if (typeof userId !== 'string' || userId === '') throw Object.assign(new Error('x-user-id header required'), { status: 400 });
  let body = '';
  for await (const chunk of req) body += chunk;
  const { prompt } = JSON.parse(body);
  // Everything started inside, the job included, is on behalf of this user.
  const job = await withAttribution({ userId }, () => queue.add('ask', { prompt }));
  const result = await job.waitUntilFinished(events);
  return { taskId: job.id, ...result };
}

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));

process.once('SIGTERM', async () => {
  server.close();
  await events.close();
  await queue.close();
});
