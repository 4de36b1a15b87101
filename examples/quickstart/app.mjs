// An ordinary app that talks to five LLM providers through their own SDKs, and to two self-hosted model
// servers (a vLLM server over plain `fetch`, a Hugging Face TGI server through @huggingface/inference).
// It contains no tracing code:
// running it as
//
//   node --import @llm-provenance/auto-instrumentations/register app.mjs
//
// is what traces every call and writes it to the provenance store. The one import from llm-provenance is
// `withAttribution`, the attribution API: it says on whose behalf (user, task) the calls inside it run,
// so the store can answer "who spent what".
//
// Every SDK is configured the way it documents: from the environment. OPENAI_BASE_URL + OPENAI_API_KEY,
// ANTHROPIC_BASE_URL + ANTHROPIC_API_KEY, GOOGLE_GEMINI_BASE_URL + GEMINI_API_KEY, GROQ_BASE_URL +
// GROQ_API_KEY; the ollama package takes its host as an option, read here from OLLAMA_HOST, and the
// self-hosted servers' addresses come from VLLM_URL and TGI_URL (and vLLM's key from VLLM_API_KEY).
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import Groq from 'groq-sdk';
import { Ollama } from 'ollama';
import { InferenceClient } from '@huggingface/inference';
import { withAttribution } from '@llm-provenance/auto-instrumentations';

const openai = new OpenAI();
const anthropic = new Anthropic();
const gemini = new GoogleGenAI({});
const groq = new Groq();
const ollama = new Ollama({ host: process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11434' });
const vllmUrl = process.env.VLLM_URL ?? 'http://127.0.0.1:8000';
const tgi = new InferenceClient().endpoint(process.env.TGI_URL ?? 'http://127.0.0.1:8080');

const show = (label, text) => console.log(`${label.padEnd(22)} ${text}`);

// Alice fact-checks: the same question, asked twice. A model is not a function: the answers can differ,
// and the store will show it (same input CID, different output CIDs).
const question = [{ role: 'user', content: 'In which year did the Berlin Wall fall? Answer with the year only.' }];
await withAttribution({ userId: 'alice', taskId: 'fact-check' }, async () => {
  for (const attempt of [1, 2]) {
    const answer = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: question });
    show(`openai  chat #${attempt}`, answer.choices[0].message.content);
  }
});

// Bob writes release notes with Claude and Gemini, one plain call and one streamed call each.
await withAttribution({ userId: 'bob', taskId: 'release-notes' }, async () => {
  const message = await anthropic.messages.create({
    model: 'claude-sonnet-4-20250514',
    max_tokens: 256,
    system: 'You write terse release notes.',
    messages: [{ role: 'user', content: 'Summarise: every LLM call now has a CID' }],
  });
  show('anthropic message', message.content.map((block) => (block.type === 'text' ? block.text : `[${block.type}]`)).join(' '));

  const events = await anthropic.messages.create({
    model: 'claude-sonnet-4-20250514',
    max_tokens: 256,
    messages: [{ role: 'user', content: 'List three audit checks' }],
    stream: true,
  });
  let streamed = '';
  for await (const event of events) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') streamed += event.delta.text;
  show('anthropic stream', streamed);

  const generated = await gemini.models.generateContent({
    model: 'gemini-2.5-flash',
    contents: 'Explain a hash chain in one line',
    config: { temperature: 0.2 },
  });
  show('gemini  generate', generated.text);

  let geminiStreamed = '';
  for await (const chunk of await gemini.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Why sign checkpoints?' })) {
    geminiStreamed += chunk.text ?? '';
  }
  show('gemini  stream', geminiStreamed);
});

// Unattributed background work: a fast Groq model, a local Ollama model, and more OpenAI calls.
const fast = await groq.chat.completions.create({
  model: 'llama-3.3-70b-versatile',
  messages: [{ role: 'user', content: 'Classify this ticket: refund request' }],
});
show('groq    chat', fast.choices[0].message.content);

const local = await ollama.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'Draft a commit message' }], stream: false });
show('ollama  chat', local.message.content);

const stream = await openai.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Name three hash functions' }],
  stream: true,
  stream_options: { include_usage: true },
});
let openaiStreamed = '';
for await (const chunk of stream) openaiStreamed += chunk.choices[0]?.delta?.content ?? '';
show('openai  stream', openaiStreamed);

const toolCall = await openai.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    },
  ],
  tool_choice: { type: 'function', function: { name: 'get_weather' } },
});
const call = toolCall.choices[0].message.tool_calls?.[0];
show('openai  tool call', `${call?.function.name}(${call?.function.arguments})`);

const embeddings = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['provenance', 'audit trail'] });
show('openai  embeddings', `${embeddings.data.length} vectors of ${embeddings.data[0].embedding.length} dimensions`);

// Carol summarises on the team's own GPUs: a vLLM server called with plain fetch (no SDK: which host is a
// vLLM server comes from LLM_PROVENANCE_INFERENCE_SERVERS), and a TGI server through @huggingface/inference.
await withAttribution({ userId: 'carol', taskId: 'summaries' }, async () => {
  const response = await fetch(`${vllmUrl}/v1/chat/completions`, {
    method: 'POST',
    // vLLM started with --api-key checks the bearer token (read here from VLLM_API_KEY).
    headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.VLLM_API_KEY}` },
    body: JSON.stringify({ model: 'Qwen/Qwen2.5-1.5B-Instruct', messages: [{ role: 'user', content: 'Summarise the audit log' }] }),
  });
  const completion = await response.json();
  show('vllm    chat (fetch)', completion.choices[0].message.content);

  const chat = await tgi.chatCompletion({ model: 'tgi', messages: [{ role: 'user', content: 'Summarise the incident report' }], max_tokens: 64 });
  show('tgi     chat', chat.choices[0].message.content);
});
