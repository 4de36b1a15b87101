import type { Route } from '../core/types.js';
import type { OpenAiFlavor } from './flavor.js';

/** Models are listed with a fixed creation time so the list is byte-identical across runs. */
const MODEL_CREATED = 1_700_000_000;

/**
 * GET {base}/models and GET {base}/models/{model} — https://platform.openai.com/docs/api-reference/models
 * Any model id is "retrievable" (the emulator serves whatever model a request names).
 */
export function modelRoutes(flavor: OpenAiFlavor): Route[] {
  const model = (id: string) => ({ id, object: 'model', created: MODEL_CREATED, owned_by: flavor.ownedBy });
  return [
    { method: 'GET', path: `${flavor.basePath}/models`, handle: (ctx) => ctx.json(200, { object: 'list', data: flavor.models.map(model) }) },
    { method: 'GET', path: `${flavor.basePath}/models/{model}`, handle: (ctx) => ctx.json(200, model(ctx.params.model!) /* the path has {model} */) },
  ];
}
