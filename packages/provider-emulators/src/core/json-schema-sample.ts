/**
 * Builds a deterministic JSON value that satisfies a (structured-output style) JSON Schema, so an
 * emulated model can answer `response_format: json_schema` / `responseSchema` / Ollama `format` requests
 * with text the SDK's parse helpers accept. Covers what structured outputs allow: object, array, string,
 * number, integer, boolean, null, enum, const, anyOf/oneOf/allOf (first branch), type arrays, local
 * `$ref`s (`#/$defs/...`, `#/definitions/...`), string `format`s and length limits, and numeric bounds
 * (https://platform.openai.com/docs/guides/structured-outputs#supported-properties), so validating
 * parsers (zod schemas behind zodResponseFormat) accept the value too. `pattern` is not honoured.
 */
export interface SampleSeed {
  /** Value for string properties without enum/const (e.g. the echo text). */
  text: string;
  /** Value for number/integer properties. */
  number: number;
}

/** A JSON Schema node as parsed from a request body: an object of keywords, a boolean schema, or absent. */
type Schema = { readonly [keyword: string]: unknown } | boolean | undefined;

/** `schema` is whatever the request carried (parsed JSON); keywords other than those listed above are ignored. */
export function sampleFromSchema(schema: unknown, seed: SampleSeed): unknown {
  const root = asSchema(schema);
  return sample(root, seed, root, 0);
}

function sample(schema: Schema, seed: SampleSeed, root: Schema, depth: number): unknown {
  if (depth > 32) throw new Error('JSON schema nests deeper than 32 levels (recursive $ref?)');
  if (schema === true || schema === undefined || schema === false) return seed.text;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] as unknown;
  if (typeof schema.$ref === 'string') return sample(resolveRef(schema.$ref, root), seed, root, depth + 1);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) {
      // Prefer a non-null branch so optional-by-nullable fields still carry a value.
      const all = branches.map(asSchema);
      const branch = all.find((b) => typeof b !== 'object' || b.type !== 'null') ?? all[0];
      return sample(branch, seed, root, depth + 1);
    }
  }
  let type = schema.type;
  if (Array.isArray(type)) type = (type as unknown[]).find((t) => t !== 'null') ?? 'null';
  if (type === undefined) type = schema.properties ? 'object' : schema.items ? 'array' : 'string';
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
      // Every listed property is filled (structured outputs require all of them; extra ones do no harm).
      const names = new Set<string>([...Object.keys(props), ...required]);
      for (const name of names) out[name] = sample(asSchema(props[name]), seed, root, depth + 1);
      return out;
    }
    case 'array': {
      const count = Math.min(Math.max(1, numberKeyword(schema, 'minItems') ?? 1), numberKeyword(schema, 'maxItems') ?? Infinity);
      return Array.from({ length: count }, () => sample(asSchema(schema.items), seed, root, depth + 1));
    }
    case 'integer':
      return clamp(Math.trunc(seed.number), schema, true);
    case 'number':
      return clamp(seed.number, schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'string':
      return sampleString(schema, seed.text);
    default:
      throw new Error(`JSON schema type ${JSON.stringify(type)} is not supported`);
  }
}

function isObject(value: unknown): value is { readonly [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A schema node from parsed JSON: objects and booleans are schemas; anything else reads as "no constraint". */
function asSchema(value: unknown): Schema {
  return isObject(value) || typeof value === 'boolean' ? value : undefined;
}

function numberKeyword(schema: { readonly [keyword: string]: unknown }, keyword: string): number | undefined {
  const value = schema[keyword];
  return typeof value === 'number' ? value : undefined;
}

function resolveRef(ref: string, root: Schema): Schema {
  if (!ref.startsWith('#')) throw new Error(`JSON schema $ref ${ref} is not local`);
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    node = isObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  if (node === undefined) throw new Error(`JSON schema $ref ${ref} does not resolve`);
  return asSchema(node);
}

/** A fixed valid example per string format structured outputs support. */
const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2025-01-01T00:00:00Z',
  date: '2025-01-01',
  time: '00:00:00',
  duration: 'P1D',
  email: 'emu@example.com',
  hostname: 'example.com',
  ipv4: '127.0.0.1',
  ipv6: '::1',
  uuid: '00000000-0000-4000-8000-000000000000',
  uri: 'https://example.com/',
};

function sampleString(schema: { readonly [keyword: string]: unknown }, text: string): string {
  const format = typeof schema.format === 'string' ? FORMAT_SAMPLES[schema.format] : undefined;
  let value = format ?? text;
  const maxLength = numberKeyword(schema, 'maxLength');
  const minLength = numberKeyword(schema, 'minLength');
  if (maxLength !== undefined && value.length > maxLength) value = value.slice(0, maxLength);
  if (minLength !== undefined && value.length < minLength) value = value.padEnd(minLength, 'x');
  return value;
}

function clamp(value: number, schema: { readonly [keyword: string]: unknown }, integer: boolean): number {
  const step = integer ? 1 : Number.EPSILON * 2 ** 20;
  const minimum = numberKeyword(schema, 'minimum');
  const exclusiveMinimum = numberKeyword(schema, 'exclusiveMinimum');
  const maximum = numberKeyword(schema, 'maximum');
  const exclusiveMaximum = numberKeyword(schema, 'exclusiveMaximum');
  const multipleOf = numberKeyword(schema, 'multipleOf');
  let v = value;
  if (minimum !== undefined && v < minimum) v = integer ? Math.ceil(minimum) : minimum;
  if (exclusiveMinimum !== undefined && v <= exclusiveMinimum) v = integer ? Math.floor(exclusiveMinimum) + 1 : exclusiveMinimum + step;
  if (maximum !== undefined && v > maximum) v = integer ? Math.floor(maximum) : maximum;
  if (exclusiveMaximum !== undefined && v >= exclusiveMaximum) v = integer ? Math.ceil(exclusiveMaximum) - 1 : exclusiveMaximum - step;
  if (multipleOf !== undefined && multipleOf > 0) v = Math.round(v / multipleOf) * multipleOf;
  return v;
}
