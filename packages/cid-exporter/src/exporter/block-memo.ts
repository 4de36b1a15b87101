/**
 * A small bounded memo of content-addressed blocks by their text. System instructions, tool definitions
 * and request parameters repeat from call to call: hashing them once per process instead of once per
 * span is the cheapest way to keep up with the sha2-256 bound.
 */
import type { BlockInput } from '../store/record-input.js';

export class BlockMemo {
  private readonly map = new Map<string, BlockInput>();

  /** At most `limit` entries of texts of at most `maxLength` UTF-16 units (longer ones are not kept). */
  constructor(
    private readonly limit: number,
    private readonly maxLength: number,
  ) {}

  get(text: string): BlockInput | undefined {
    return text.length > this.maxLength ? undefined : this.map.get(text);
  }

  remember(text: string, block: BlockInput): void {
    if (text.length > this.maxLength) return;
    this.map.set(text, block);
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value!);
  }
}
