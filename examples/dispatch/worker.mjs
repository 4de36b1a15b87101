// A worker process: takes jobs off the `tasks` queue and answers each with a model call, routed to the
// cheaper backend first and to the other after a 429. Run under
// `node --import @llm-provenance/auto-instrumentations/register`; every span the job creates carries the
// user who asked, the job's task id and this worker's id.
// Env: REDIS_URL, WORKER_ID, PRIMARY_URL, SECONDARY_URL (OpenAI-compatible base URLs), OPENAI_API_KEY.
// Prints `ready` once it takes jobs.
import OpenAI from 'openai';
import { Worker } from 'bullmq';
import { routeWithFallback } from '@llm-provenance/auto-instrumentations';

// maxRetries 0: a 429 goes to the router at once instead of being retried against the same backend.
const primary = new OpenAI({ baseURL: process.env.PRIMARY_URL, maxRetries: 0 });
const secondary = new OpenAI({ baseURL: process.env.SECONDARY_URL, maxRetries: 0 });

async function ask(client, backend, prompt) {
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });
  return { backend, answer: completion.choices[0].message.content };
}

const worker = new Worker(
  'tasks',
  (job) =>
    routeWithFallback(
      [
        { name: 'primary', call: () => ask(primary, 'primary', job.data.prompt) },
        { name: 'secondary', call: () => ask(secondary, 'secondary', job.data.prompt) },
      ],
      { reason: 'cheapest' },
    ),
  { connection: { url: process.env.REDIS_URL }, name: process.env.WORKER_ID },
);
await worker.waitUntilReady();
console.log('ready');

process.once('SIGTERM', () => worker.close());
