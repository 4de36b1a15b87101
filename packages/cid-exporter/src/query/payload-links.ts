/**
 * The payloads an input or output block links (FORMAT.md section 5.2), read once for `query --payloads`,
 * `consistency` and `lineage`.
 */
import { decodeDagJson } from '../dag-json/index.js';

/** The CID a DAG-JSON link `{"/": cid}` names, or null for anything else. */
export const linkCid = (v: unknown): string | null =>
  v !== null && typeof v === 'object' && typeof (v as { '/': unknown })['/'] === 'string' ? (v as { '/': string })['/'] : null;

/**
 * Payload attribute -> raw block CID of an input or output block; {} when absent or undecodable. Reads
 * blocks through `source.block` only: a ProvenanceSource, or any block lookup (record-span.ts passes its own).
 */
export function payloadLinks(source: { block(cid: string): Uint8Array | undefined }, block: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!block) return out;
  const bytes = source.block(block);
  if (!bytes) return out;
  let map: unknown;
  try {
    map = decodeDagJson(bytes);
  } catch {
    return out;
  }
  if (map === null || typeof map !== 'object') return out;
  for (const [name, link] of Object.entries(map)) {
    const cid = linkCid(link);
    if (cid) out[name] = cid;
  }
  return out;
}
