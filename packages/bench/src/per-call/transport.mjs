// The model call every configuration makes, answered in memory: the real `openai` client with its `fetch`
// option (https://github.com/openai/openai-node#customizing-the-fetch-client) returning a Response built
// here, so the figures hold the SDK's and the instrumentation's work and no network or server at all.

/** What the user asks; every configuration must record it (content capture is on for all). */
export const USER_TEXT = 'What is the capital of France?';

/** The plain completion's answer, which every configuration must record. */
export const PLAIN_TEXT = 'The capital of France is Paris. It has a long history.';

/** The streamed answer: 20 content chunks, concatenated. */
export const STREAM_TEXT = Array.from({ length: 20 }, (_, i) => `word${i} `).join('');

const CHAT_COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1764172112,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: PLAIN_TEXT }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 20, completion_tokens: 12, total_tokens: 32 },
});

/** Server-sent events as the Chat Completions API streams them: 20 content chunks, a finish chunk, a usage chunk. */
const CHAT_STREAM = (() => {
  const chunk = (choices, extra = {}) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1764172112, model: 'gpt-4o-mini-2024-07-18', choices, ...extra })}\n\n`;
  const events = [];
  for (let i = 0; i < 20; i++)
    events.push(chunk([{ index: 0, delta: i === 0 ? { role: 'assistant', content: `word${i} ` } : { content: `word${i} ` }, finish_reason: null }]));
  events.push(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
  events.push(chunk([], { usage: { prompt_tokens: 20, completion_tokens: 20, total_tokens: 40 } }));
  events.push('data: [DONE]\n\n');
  return events.join('');
})();

/**
 * A `fetch` for the openai client that answers every request in memory. With `latencyMillis` > 0 the
 * answer comes after that many milliseconds (a timer, no CPU), so many calls can be in flight at once.
 */
export function inMemoryFetch({ stream, latencyMillis = 0 }) {
  const body = stream ? CHAT_STREAM : CHAT_COMPLETION;
  const headers = { 'content-type': stream ? 'text/event-stream' : 'application/json', 'x-request-id': 'req_bench' };
  if (latencyMillis > 0) {
    return () => new Promise((resolve) => setTimeout(() => resolve(new Response(body, { headers })), latencyMillis));
  }
  return async () => new Response(body, { headers });
}

/** The request: system + user message, a temperature, and for streams `include_usage`. */
export function chatRequest({ stream }) {
  return {
    model: 'gpt-4o-mini',
    temperature: 0.7,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: USER_TEXT },
    ],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

/** One call as an app makes it: awaits the completion, or reads the stream to its end. */
export function callFunction(client, { stream }) {
  // A fresh request per call, as an app builds one (and no instrumentation can leak state through it).
  if (!stream) return () => client.chat.completions.create(chatRequest({ stream }));
  return async () => {
    const chunks = await client.chat.completions.create(chatRequest({ stream }));
    for await (const _chunk of chunks);
  };
}

/** Client options: a dummy key and a base URL that is never contacted (fetch answers in memory). */
export function clientOptions(fetch) {
  return { apiKey: 'sk-bench-0000000000000000', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, fetch };
}
