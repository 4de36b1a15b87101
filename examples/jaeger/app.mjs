// A support bot answering one ticket: it drafts an answer with OpenAI, has Claude review it, and streams
// a one-line summary. There is no exporter setup here: run under
//
//   node --import @llm-provenance/auto-instrumentations/register app.mjs
//
// every LLM call becomes a span (sent over OTLP to Jaeger) and a signed record in the provenance store,
// and each span carries its record's CID as `provenance.record.cid`. The one span this app makes itself,
// `handle-ticket`, groups the three calls into one trace; withAttribution says who they were made for.
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { trace } from '@opentelemetry/api';
import { withAttribution } from '@llm-provenance/auto-instrumentations';

const openai = new OpenAI();
const anthropic = new Anthropic();
const tracer = trace.getTracer('support-bot');

const ticket = 'My invoice shows two charges for March. Can you refund one?';

await withAttribution({ userId: 'carol', taskId: 'ticket-4711' }, () =>
  tracer.startActiveSpan('handle-ticket', async (span) => {
    try {
      const draft = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'You answer billing tickets politely and briefly.' },
          { role: 'user', content: ticket },
        ],
      });
      const answer = draft.choices[0].message.content;
      console.log(`draft    ${answer}`);

      const review = await anthropic.messages.create({
        model: 'claude-sonnet-4-20250514',
        max_tokens: 200,
        messages: [{ role: 'user', content: `Review this reply to a customer: ${answer}` }],
      });
      console.log(`review   ${review.content.map((block) => (block.type === 'text' ? block.text : '')).join('')}`);

      const stream = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: `Summarise in one line: ${ticket}` }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let summary = '';
      for await (const chunk of stream) summary += chunk.choices[0]?.delta?.content ?? '';
      console.log(`summary  ${summary}`);
    } finally {
      span.end();
    }
  }),
);
