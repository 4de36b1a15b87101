/** A block's bytes against its CID (CIDv1, sha2-256: the only CIDs a store or export holds, FORMAT.md section 4). */
import { base32Encode, sha256 } from '../cid.js';
import { parseLinkString, linkScratch } from '../verify/links.js';
import type { BlockId } from './block-node.js';

/** The CID `text` in both forms; throws an Error naming it when it is not a CID a store can hold. */
export function blockId(text: string): BlockId {
  const parts = parseLinkString(text);
  if (typeof parts === 'string') throw new Error(`${text} is not a CID an llm-provenance export holds: ${parts}`);
  return { text, bytes: linkScratch.slice(0, parts.length) };
}

/** The BlockId of a binary CID. */
export function blockIdOf(bytes: Uint8Array): BlockId {
  return { text: 'b' + base32Encode(bytes), bytes };
}

/** Undefined when `bytes` hash to the digest inside `cid`; otherwise why not, in words. */
export function checkBlock(cid: BlockId, bytes: Uint8Array): string | undefined {
  const digest = cid.bytes.subarray(cid.bytes.length - 32);
  if (Buffer.compare(sha256(bytes), digest) === 0) return undefined;
  return `the node returned ${bytes.length} byte(s) whose sha2-256 is not the digest in ${cid.text}`;
}
