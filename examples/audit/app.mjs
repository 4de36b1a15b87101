// The operator's app: three OpenAI calls, two for alice, one for bob. No tracing code: run under
//   node --import @llm-provenance/auto-instrumentations/register app.mjs
// each call becomes a signed record in the provenance store (./.llm-provenance, or LLM_PROVENANCE_DIR).
import OpenAI from 'openai';
import { withAttribution } from '@llm-provenance/auto-instrumentations';

const openai = new OpenAI();
const ask = (content) => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });

await withAttribution({ userId: 'alice', taskId: 'refunds' }, async () => {
  await ask('Is order 1001 eligible for a refund?');
  await ask('Draft the refund email for order 1001');
});
await withAttribution({ userId: 'bob', taskId: 'pricing' }, () => ask('Suggest a price for the new plan'));
console.log('3 calls made');
