// An ordinary OpenAI app. It contains no tracing code at all: running it as
//
//   node --import @llm-provenance/auto-instrumentations/register app.mjs
//
// is what traces every call and writes it to the provenance store.
// The openai SDK reads OPENAI_BASE_URL and OPENAI_API_KEY from the environment.
import OpenAI from 'openai';

const openai = new OpenAI();

// 1. A plain chat completion.
const chat = await openai.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Answer in one sentence.' },
    { role: 'user', content: 'What does content addressing mean?' },
  ],
  temperature: 0,
});
console.log(`chat       ${chat.choices[0].message.content}`);

// 2. A streamed chat completion, printed as it arrives.
const stream = await openai.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Name three hash functions' }],
  stream: true,
  stream_options: { include_usage: true },
});
process.stdout.write('stream     ');
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
process.stdout.write('\n');

// 3. A tool call: the model is asked to call get_weather.
const tools = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];
const toolCall = await openai.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
  tools,
  tool_choice: { type: 'function', function: { name: 'get_weather' } },
});
const call = toolCall.choices[0].message.tool_calls?.[0];
console.log(`tool call  ${call?.function.name}(${call?.function.arguments})`);

// 4. Embeddings.
const embeddings = await openai.embeddings.create({
  model: 'text-embedding-3-small',
  input: ['provenance', 'audit trail'],
});
console.log(`embedding  ${embeddings.data.length} vectors of ${embeddings.data[0].embedding.length} dimensions`);
