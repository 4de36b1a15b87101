/**
 * What verify says about the records that are not spans (FORMAT.md sections 3.2-3.5): a recorded cut,
 * damage or unverified tail is a note (and names a log that must still exist); drops are summed per log
 * and summarised in one note.
 */
import type { VerifyNote } from './failure.js';
import type { TargetRef, Where } from './log-input.js';
import { parseWitnessEntries, type WitnessClaim } from './witness-claims.js';

const isLink = (v: unknown): v is { '/': string } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { '/'?: unknown })['/'] === 'string';

export class RecordNotes {
  readonly notes: VerifyNote[] = [];
  readonly targets: TargetRef[] = [];
  /** What the log's witness records claim of other logs (FORMAT.md 3.6). */
  readonly witnesses: WitnessClaim[] = [];
  /** Witness records that are not well formed (a failure: the writer never writes one). */
  readonly witnessProblems: Array<{ where: Where; seq: number; cid: string; detail: string }> = [];
  dropped = 0;
  private dropRecords = 0;
  private firstDrop: { where: Where; seq: number; count: number; reason: string } | undefined;

  constructor(private readonly logId: string) {}

  /** Takes note of an accepted record of type `type` (decoded). */
  add(type: string, r: Record<string, unknown>, where: Where, seq: number, cid: string): void {
    if (type === 'cut') {
      this.notes.push({
        ...where,
        log: this.logId,
        seq,
        detail: `recorded cut: ${String(r.length)} bytes cut from ${String(r.file)} at byte ${String(r.offset)} (log ${String(r.target)}), kept as block ${isLink(r.block) ? r.block['/'] : '?'}`,
      });
    } else if (type === 'damage') {
      this.notes.push({ ...where, log: this.logId, seq, detail: `recorded damage: ${String(r.file)} line ${String(r.line)}: ${String(r.reason)}` });
    } else if (type === 'unverified') {
      this.notes.push({
        ...where,
        log: this.logId,
        seq,
        detail: `recorded unverified tail: records ${String(r.from)} to ${Number(r.size) - 1} of log ${String(r.target)} follow its last signed checkpoint; the writer died before signing them and recovery did not (their Merkle root then: ${String(r.root)})`,
      });
    } else if (type === 'witness') {
      const entries = parseWitnessEntries(r.logs);
      if (typeof entries === 'string') this.witnessProblems.push({ where, seq, cid, detail: `witness record's logs: ${entries}` });
      else for (const e of entries) this.witnesses.push({ ...e, by: { log: this.logId, where, seq, cid } });
    } else if (type === 'dropped') {
      const count = Number.isSafeInteger(r.count) && (r.count as number) > 0 ? (r.count as number) : 0;
      this.dropped += count;
      this.dropRecords++;
      this.firstDrop ??= { where, seq, count, reason: String(r.reason) };
    }
    if ((type === 'cut' || type === 'damage' || type === 'unverified') && typeof r.target === 'string')
      this.targets.push({ target: r.target, type, seq, cid, where });
  }

  /** The drop summary note, if any record said spans were dropped. */
  finish(): void {
    const f = this.firstDrop;
    if (!f) return;
    this.notes.push({
      ...f.where,
      log: this.logId,
      seq: f.seq,
      detail: `recorded drops: the exporter dropped ${this.dropped} span(s) in ${this.dropRecords} dropped record(s) (first: ${f.count} at seq ${f.seq}, ${f.reason})`,
    });
  }
}
