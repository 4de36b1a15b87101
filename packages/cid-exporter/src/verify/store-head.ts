/**
 * The store head (FORMAT.md section 10.1): every log as verify found it (records held, last record) and
 * one CID over that list, to be recorded somewhere the store's writers cannot change. Passed back to
 * verify (`expectHead`), each entry is checked like a witness entry: what witnessing alone cannot catch
 * (the newest logs deleted with every log that saw them, a store replaced by an older copy) then fails.
 */
import { dagJsonCid } from '../cid.js';
import { encodeDagJson } from '../dag-json/encode.js';
import type { StoreHead, StoreHeadEntry, VerifyOptions } from './report.js';
import type { WitnessClaims } from './witness-claims.js';

export const STORE_HEAD_TYPE = 'llm-provenance/store-head';

export function storeHeadOf(logs: readonly { log: string; records: number; last: string | null }[]): StoreHead {
  const entries: StoreHeadEntry[] = [...logs]
    .sort((a, b) => (a.log < b.log ? -1 : a.log > b.log ? 1 : 0))
    .map((l) => ({ last: l.records > 0 ? l.last : null, log: l.log, size: l.records }));
  return { cid: dagJsonCid(encodeDagJson({ logs: entries, type: STORE_HEAD_TYPE, v: 1 })).toString(), logs: entries };
}

/** Adds the expected head's entries as claims. */
export function claimExpectedHead(claims: WitnessClaims, expect: VerifyOptions['expectHead']): void {
  for (const e of expect?.logs ?? []) claims.add({ ...e, by: { log: '', where: { file: expect!.source }, anchor: expect!.source } });
}
