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

type Schema = Record<string, any> | boolean | undefined;

export function sampleFromSchema(schema: Schema, seed: SampleSeed): unknown {
  return sample(schema, seed, schema, 0);
}

function sample(schema: Schema, seed: SampleSeed, root: Schema, depth: number): unknown {
  if (depth > 32) throw new Error('JSON schema nests deeper than 32 levels (recursive $ref?)');
  if (schema === true || schema === undefined || schema === false) return seed.text;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (typeof schema.$ref === 'string') return sample(resolveRef(schema.$ref, root), seed, root, depth + 1);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(schema[key]) && schema[key].length > 0) {
      // Prefer a non-null branch so optional-by-nullable fields still carry a value.
      const branch = schema[key].find((b: Schema) => typeof b !== 'object' || b.type !== 'null') ?? schema[key][0];
      return sample(branch, seed, root, depth + 1);
    }
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? 'null';
  if (type === undefined) type = schema.properties ? 'object' : schema.items ? 'array' : 'string';
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props: Record<string, Schema> = schema.properties ?? {};
      // Every listed property is filled (structured outputs require all of them; extra ones do no harm).
      const names = new Set<string>([...Object.keys(props), ...(Array.isArray(schema.required) ? schema.required : [])]);
      for (const name of names) out[name] = sample(props[name], seed, root, depth + 1);
      return out;
    }
    case 'array': {
      const count = Math.min(Math.max(1, schema.minItems ?? 1), schema.maxItems ?? Infinity);
      return Array.from({ length: count }, () => sample(schema.items, seed, root, depth + 1));
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

function resolveRef(ref: string, root: Schema): Schema {
  if (!ref.startsWith('#')) throw new Error(`JSON schema $ref ${ref} is not local`);
  let node: any = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (node === undefined) throw new Error(`JSON schema $ref ${ref} does not resolve`);
  return node;
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

function sampleString(schema: Record<string, any>, text: string): string {
  let value = typeof schema.format === 'string' && FORMAT_SAMPLES[schema.format] !== undefined ? FORMAT_SAMPLES[schema.format] : text;
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) value = value.slice(0, schema.maxLength);
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) value = value.padEnd(schema.minLength, 'x');
  return value;
}

function clamp(value: number, schema: Record<string, any>, integer: boolean): number {
  const step = integer ? 1 : Number.EPSILON * 2 ** 20;
  let v = value;
  if (typeof schema.minimum === 'number' && v < schema.minimum) v = integer ? Math.ceil(schema.minimum) : schema.minimum;
  if (typeof schema.exclusiveMinimum === 'number' && v <= schema.exclusiveMinimum) v = integer ? Math.floor(schema.exclusiveMinimum) + 1 : schema.exclusiveMinimum + step;
  if (typeof schema.maximum === 'number' && v > schema.maximum) v = integer ? Math.floor(schema.maximum) : schema.maximum;
  if (typeof schema.exclusiveMaximum === 'number' && v >= schema.exclusiveMaximum) v = integer ? Math.ceil(schema.exclusiveMaximum) - 1 : schema.exclusiveMaximum - step;
  if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0) v = Math.round(v / schema.multipleOf) * schema.multipleOf;
  return v;
}
