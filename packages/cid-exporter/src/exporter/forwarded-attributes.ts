/**
 * The attributes of a forwarded span (FORMAT.md 5.4): the span's own, without payloads when content is
 * not forwarded, then the `provenance.*` attributes, exactly as `{ ...attributes, ...provenance }` would
 * give them, but made fast. The SDK's attributes objects are in V8's dictionary mode (their keys are
 * added one by one), so spreading one costs several microseconds, and the exporter downstream reads it
 * slowly too. Spans of one instrumentation share their key order, so per key order (and which
 * `provenance.*` keys a span gets) a template object with exactly the final keys is made once; each
 * span's map is a copy of it (one fast clone) with its values stored in.
 */
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_PROVENANCE_INPUT_CID,
  ATTR_PROVENANCE_LOG_ID,
  ATTR_PROVENANCE_LOG_SEQ,
  ATTR_PROVENANCE_OUTPUT_CID,
  ATTR_PROVENANCE_RECORD_CID,
} from '@llm-provenance/semantic-conventions';

/** The `provenance.*` values of one stored span (all absent when it was not stored). */
export interface ProvenanceValues {
  record: string | undefined;
  input: string | undefined;
  output: string | undefined;
  log: string;
  seq: number;
}

interface Template {
  /** Every final key (values null): what each span's map is cloned from (see `fastShape`). */
  readonly shape: Attributes;
  /** The span's keys whose values are copied (in the span's order, payloads left out when stripping). */
  readonly copied: readonly string[];
}

/** Which `provenance.*` keys a span gets: bit 0 record (and log id / seq), 1 input, 2 output. */
const WITH_RECORD = 1;
const WITH_INPUT = 2;
const WITH_OUTPUT = 4;

export class ForwardedAttributes {
  /** Per key list (the key plan's array: one per key order) and set of provenance keys. */
  private readonly templates = new WeakMap<readonly string[], (Template | undefined)[]>();

  /** `strip`: tells payload attributes, to leave out (null: keep them). */
  constructor(private readonly strip: ((key: string) => boolean) | null) {}

  /**
   * The forwarded map of `attrs`, whose keys are `keys` in order (the key list the record was written
   * from; null when unknown, e.g. the span could not be stored).
   */
  make(attrs: Attributes, keys: readonly string[] | null, p: ProvenanceValues): Attributes {
    const flags = (p.record !== undefined ? WITH_RECORD : 0) | (p.input !== undefined ? WITH_INPUT : 0) | (p.output !== undefined ? WITH_OUTPUT : 0);
    const order = keys ?? Object.keys(attrs);
    let forKeys = keys === null ? undefined : this.templates.get(keys);
    let t = forKeys?.[flags];
    if (t === undefined) {
      t = this.template(order, flags);
      if (keys !== null) {
        if (forKeys === undefined) this.templates.set(keys, (forKeys = []));
        forKeys[flags] = t;
      }
    }
    const out: Attributes = { ...t.shape };
    const copied = t.copied;
    for (let i = 0; i < copied.length; i++) out[copied[i]!] = attrs[copied[i]!];
    if (flags & WITH_RECORD) {
      out[ATTR_PROVENANCE_RECORD_CID] = p.record;
      if (flags & WITH_INPUT) out[ATTR_PROVENANCE_INPUT_CID] = p.input;
      if (flags & WITH_OUTPUT) out[ATTR_PROVENANCE_OUTPUT_CID] = p.output;
      out[ATTR_PROVENANCE_LOG_ID] = p.log;
      out[ATTR_PROVENANCE_LOG_SEQ] = p.seq;
    }
    return out;
  }

  private template(order: readonly string[], flags: number): Template {
    const copied = this.strip === null ? order.slice() : order.filter((k) => !this.strip!(k));
    const keys = [...copied];
    if (flags & WITH_RECORD) {
      keys.push(ATTR_PROVENANCE_RECORD_CID);
      if (flags & WITH_INPUT) keys.push(ATTR_PROVENANCE_INPUT_CID);
      if (flags & WITH_OUTPUT) keys.push(ATTR_PROVENANCE_OUTPUT_CID);
      keys.push(ATTR_PROVENANCE_LOG_ID, ATTR_PROVENANCE_LOG_SEQ);
    }
    return { shape: fastShape(keys), copied };
  }
}

/**
 * An object with exactly `keys` (values null, every one overwritten by `make`) in V8's fast mode, so that
 * cloning it is one copy of its hidden class and slots. Filled key by key, an object turns into a
 * dictionary after a dozen or so keys, and spreading a dictionary of 30 keys costs about 10 µs; `JSON.parse`
 * builds objects of up to 127 keys with a hidden class, which clone in about 1 µs (measured with a
 * chat span's 24 keys plus the 5 `provenance.*` keys, Node 20 and 24 alike). With more keys the template is a
 * dictionary either way, and the result is the same, only slower.
 */
function fastShape(keys: readonly string[]): Attributes {
  let text = '{';
  for (let i = 0; i < keys.length; i++) text += (i === 0 ? '' : ',') + JSON.stringify(keys[i]) + ':null';
  return JSON.parse(text + '}') as Attributes;
}
