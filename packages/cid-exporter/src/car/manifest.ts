/**
 * The root block of a CAR export: a dag-json map that links everything in the file, so a verifier
 * (or `ipfs dag export` of the root) reaches every record, checkpoint and payload block from it.
 *
 * {
 *   "type": "llm-provenance/export", "v": 1, "created": "<ns>",
 *   "logs": [ { "log": "<logId>", "size": <records>, "records": [<page link>...],
 *               "checkpoints": [<checkpoint link>...], "latestCheckpoint": <link> | null } ],
 *   "blocks": [<page link>...]
 * }
 * A record page is `{"records": [<record link>...]}` (up to PAGE_SIZE links, in seq order); a block page
 * is `{"blocks": [<payload block link>...]}`. Pages keep every block well under the 1 MiB block size
 * IPFS nodes exchange.
 */

export const MANIFEST_TYPE = 'llm-provenance/export';
export const PAGE_SIZE = 4096;

export interface ManifestLog {
  log: string;
  size: number;
  records: Array<{ '/': string }>;
  checkpoints: Array<{ '/': string }>;
  latestCheckpoint: { '/': string } | null;
}

export interface Manifest {
  type: typeof MANIFEST_TYPE;
  v: 1;
  created: string;
  logs: ManifestLog[];
  blocks: Array<{ '/': string }>;
}
