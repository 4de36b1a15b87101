/**
 * Loads the WebAssembly stage 1 of the validator (wasm/dag-json-stage1.c, built into ./stage1-wasm.ts)
 * and runs it over one document: it checks that no byte is a control character and that the non-ASCII
 * bytes are strict UTF-8 of at most 3 bytes, 16 bytes at a time (WebAssembly SIMD), and lists the offset
 * of every `"` and `\`, so that ./validate.ts walks a string from quote to quote instead of byte by byte;
 * the same module compares consecutive map keys 16 bytes at a time.
 * Where WebAssembly SIMD is not available, or a document is too large, the validator checks every byte in
 * JavaScript instead; the result is the same (test/verify-canonical-property.test.ts runs both).
 */
import { STAGE1_WASM_BASE64 } from './stage1-wasm.js';

const PAGE = 65536;
/** Where the document is copied in the module's memory: above its stack (the first page and a bit). */
const INPUT_AT = 2 * PAGE;
/**
 * Larger documents are left to the JavaScript path, so the module's memory (the document plus 4 bytes of
 * offsets per byte, kept for the process's life) stays under about 6 MB.
 */
export const STAGE1_MAX_BYTES = 1 << 20;

type Stage1Fn = (input: number, length: number, out: number, base: number) => number;
type CompareFn = (a: number, aLength: number, b: number, bLength: number) => number;

/**
 * The parts of the WebAssembly JavaScript API used here (https://webassembly.github.io/spec/js-api/):
 * the compiler's library settings of this package do not declare them.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** One module instance and views on its memory (renewed when the memory grows). */
export class WasmStage1 {
  /** Offsets of the `"` and `\` bytes of the last run: offsets[first, first + count). */
  offsets: Int32Array;
  first = 0;
  private bytes: Uint8Array;
  /** From an offset in the last scanned bytes to the same byte in the module's memory. */
  private shift = 0;

  private constructor(
    private readonly memory: WasmMemory,
    private readonly run: Stage1Fn,
    private readonly compareKeys: CompareFn,
  ) {
    this.bytes = new Uint8Array(memory.buffer);
    this.offsets = new Int32Array(memory.buffer);
  }

  /** The module, or null where it cannot be compiled (no WebAssembly SIMD). */
  static load(): WasmStage1 | null {
    if (wasmApi === undefined) return null;
    try {
      const module = new wasmApi.Module(Buffer.from(STAGE1_WASM_BASE64, 'base64'));
      const { exports } = new wasmApi.Instance(module, {});
      return new WasmStage1(exports.memory as WasmMemory, exports.stage1 as Stage1Fn, exports.compare_keys as CompareFn);
    } catch {
      return null;
    }
  }

  /**
   * Runs stage 1 on bytes[start, end) (at most STAGE1_MAX_BYTES): the number of offsets (absolute, in
   * `bytes`) now at offsets[first...], or -1 when the document needs the JavaScript-only path.
   */
  scan(bytes: Uint8Array, start: number, end: number): number {
    const n = end - start;
    const out = (INPUT_AT + n + 3) & ~3;
    const needed = out + 4 * n;
    if (needed > this.bytes.length) {
      this.memory.grow(Math.ceil((needed - this.bytes.length) / PAGE));
      this.bytes = new Uint8Array(this.memory.buffer);
      this.offsets = new Int32Array(this.memory.buffer);
    }
    this.bytes.set(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), INPUT_AT);
    this.first = out >> 2;
    this.shift = INPUT_AT - start;
    return this.run(INPUT_AT, n, out, start);
  }

  /**
   * Byte order of the keys [as, ae) and [bs, be) of the last scanned bytes (offsets in those bytes), for
   * keys without escapes or 4-byte sequences: negative, 0 or positive.
   */
  compare(as: number, ae: number, bs: number, be: number): number {
    return this.compareKeys(as + this.shift, ae - as, bs + this.shift, be - bs);
  }
}

let loaded: WasmStage1 | null | undefined;

/** The shared stage 1 module (compiled on first use), or null where WebAssembly SIMD is unavailable. */
export function wasmStage1(): WasmStage1 | null {
  if (loaded === undefined) loaded = WasmStage1.load();
  return loaded;
}
