import { countWordsIn } from '../core/tokens.js';

/** A `Content` on the wire: https://ai.google.dev/api/caching#Content */
export interface WireContent {
  role?: string;
  parts?: Array<{ text?: unknown; [field: string]: unknown }>;
}

/** Text of every `text` part of the given contents (function calls/responses and blobs carry no words). */
export function textsOf(contents: WireContent[] | undefined): string[] {
  const out: string[] = [];
  for (const content of contents ?? []) {
    for (const part of content?.parts ?? []) if (typeof part?.text === 'string') out.push(part.text);
  }
  return out;
}

/** Joined text of the last `user` turn (a turn without a role counts as user, as the API does). */
export function lastUserText(contents: WireContent[] | undefined): string {
  const list = contents ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    const turn = list[i];
    if (turn !== undefined && (turn.role ?? 'user') === 'user') return textsOf([turn]).join('');
  }
  return '';
}

/** Words over the whole prompt: system instruction plus every turn. */
export function promptWords(contents: WireContent[] | undefined, systemInstruction: WireContent | undefined): number {
  return countWordsIn([...textsOf(systemInstruction ? [systemInstruction] : []), ...textsOf(contents)]);
}

/** `models/gemini-2.5-flash` -> `gemini-2.5-flash` (responses report the bare model id in `modelVersion`). */
export function bareModel(model: string): string {
  return model.replace(/^(models|tunedModels)\//, '');
}
