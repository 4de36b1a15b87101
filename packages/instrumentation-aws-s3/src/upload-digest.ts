import { createContextKey, type Context } from '@opentelemetry/api';
import { ContentDigest } from './content-cid.js';

/**
 * The whole object's digest of one `Upload`, fed by its parts. `Upload` sends up to `queueSize` parts at
 * once, and a part can be sent before the one ahead of it: such a part is held (the same Buffer Upload
 * holds until its UploadPart is done, never a copy) until the parts before it have been hashed.
 */
export class UploadDigest {
  private readonly digest = new ContentDigest();
  private readonly waiting = new Map<number, Uint8Array | string>();
  private next = 1;
  /** A part that could not be hashed, or the same part twice: the whole object gets no CID. */
  private broken = false;

  addPart(partNumber: number, body: unknown): void {
    if (this.broken) return;
    if ((typeof body !== 'string' && !(body instanceof Uint8Array)) || partNumber < this.next || this.waiting.has(partNumber)) {
      this.broken = true;
      this.waiting.clear();
      return;
    }
    this.waiting.set(partNumber, body);
    for (let part = this.waiting.get(this.next); part !== undefined; part = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      if (typeof part === 'string') this.digest.updateText(part);
      else this.digest.update(part);
      this.next += 1;
    }
  }

  /** The whole object's digest when every part from 1 on was hashed and none is missing, else undefined. */
  finish(): ContentDigest | undefined {
    if (this.broken || this.waiting.size > 0 || this.next === 1) return undefined;
    return this.digest;
  }
}

/** The `UploadDigest` of the `Upload.done()` a command is sent from, carried in the OTel context. */
export const UPLOAD_DIGEST_KEY = createContextKey('@llm-provenance/instrumentation-aws-s3 upload digest');

export function uploadDigestOf(ctx: Context): UploadDigest | undefined {
  const value = ctx.getValue(UPLOAD_DIGEST_KEY);
  return value instanceof UploadDigest ? value : undefined;
}
