/**
 * The parts of a span record that are the same for every span of one resource or one instrumentation
 * scope (FORMAT.md 3.1): normalised and encoded once per resource / scope object. The resource goes to a
 * dag-json block of its own, linked from each record and written once per log's pack.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { dagJsonCid } from '../cid.js';
import { encodeDagJsonString, quoteString } from '../dag-json/encode.js';
import { Normaliser, wellFormed } from '../normalise.js';
import type { BlockInput } from '../store/record-input.js';

export interface ResourcePart {
  /** The normalised resource attributes as a dag-json block. */
  block: BlockInput;
  /** `{"/":"<block CID>"}`. */
  linkText: string;
  /** Paths dropped while normalising (`resource.<key>`), listed in every record's `dropped`. */
  dropped: readonly string[];
}

const resources = new WeakMap<object, ResourcePart>();
const scopes = new WeakMap<object, string>();

export function resourcePart(span: ReadableSpan): ResourcePart {
  const resource = span.resource as ReadableSpan['resource'] | undefined;
  const cached = resource ? resources.get(resource) : undefined;
  if (cached) return cached;
  const n = new Normaliser();
  const bytes = Buffer.from(encodeDagJsonString(n.map((resource?.attributes ?? {}) as Record<string, unknown>, 'resource')), 'utf8');
  const cid = dagJsonCid(bytes);
  const part: ResourcePart = { block: { cid, bytes }, linkText: '{"/":"' + cid.toString() + '"}', dropped: n.dropped };
  // Only kept once async resource attributes have settled, or the kept copy would miss them.
  if (resource && !resource.asyncAttributesPending) resources.set(resource, part);
  return part;
}

/** `{"name":...,"schemaUrl":...,"version":...}` of the span's instrumentation scope. */
export function scopeText(span: ReadableSpan): string {
  const scope = span.instrumentationScope as ReadableSpan['instrumentationScope'] | undefined;
  const cached = scope ? scopes.get(scope) : undefined;
  if (cached !== undefined) return cached;
  const optional = (v: unknown) => (typeof v === 'string' ? quoteString(wellFormed(v)) : 'null');
  const text = `{"name":${quoteString(wellFormed(String(scope?.name ?? '')))},"schemaUrl":${optional(scope?.schemaUrl)},"version":${optional(scope?.version)}}`;
  if (scope) scopes.set(scope, text);
  return text;
}
