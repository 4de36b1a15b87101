/*
 * Stage 1 of the canonical DAG-JSON validator (src/dag-json/validate.ts), 16 bytes at a time with
 * WebAssembly SIMD (https://github.com/WebAssembly/simd/blob/main/proposals/simd/SIMD.md):
 *
 *  - no byte below 0x20 anywhere (canonical DAG-JSON has no whitespace, and JSON.stringify escapes
 *    every control character inside strings);
 *  - bytes from 0x80 up form strict UTF-8 of 2 or 3 bytes (no overlong forms, no surrogates);
 *  - the offset of every '"' and '\' is written out, so that the structural pass in JavaScript jumps
 *    from one to the next instead of visiting every byte of a string's contents.
 *
 * Non-ASCII bytes are valid only inside strings; the structural pass rejects them anywhere else, so
 * checking them here for the whole input is the same check. A 4-byte sequence (a character beyond the
 * BMP) changes how map keys compare, and any other failure needs a precise message: both make stage 1
 * give up, and the caller validates that input with the JavaScript-only path.
 *
 * Rebuild with wasm/build.mjs (clang, target wasm32, -msimd128); no libc.
 */
#include <stdint.h>
#include <wasm_simd128.h>

/* Strict UTF-8 sequence of 2 or 3 bytes at p[i] (i < n): its length, or 0. */
static uint32_t utf8_length(const uint8_t *p, uint32_t i, uint32_t n) {
  uint8_t c = p[i];
  uint8_t c1 = i + 1 < n ? p[i + 1] : 0;
  if (c >= 0xc2 && c <= 0xdf) return (c1 & 0xc0) == 0x80 ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    uint8_t lo = c == 0xe0 ? 0xa0 : 0x80;
    uint8_t hi = c == 0xed ? 0x9f : 0xbf;
    if (c1 >= lo && c1 <= hi && i + 2 < n && (p[i + 2] & 0xc0) == 0x80) return 3;
  }
  return 0;
}

/*
 * Scans p[0, n). Writes base + offset of every '"' and '\' to out (room for n entries) and returns how
 * many; returns -1 when the input needs the JavaScript-only path (a control byte, invalid UTF-8 or a
 * 4-byte sequence).
 */
__attribute__((export_name("stage1"))) int32_t stage1(const uint8_t *p, uint32_t n, int32_t *out, int32_t base) {
  const v128_t quote = wasm_i8x16_splat('"');
  const v128_t backslash = wasm_i8x16_splat('\\');
  const v128_t space = wasm_u8x16_splat(0x20);
  int32_t k = 0;
  uint32_t i = 0;
  while (i < n) {
    if (i + 16 <= n) {
      v128_t v = wasm_v128_load(p + i);
      /* a control byte (unsigned < 0x20) or a non-ASCII byte (signed < 0) needs the byte-wise path */
      v128_t special = wasm_v128_or(wasm_u8x16_lt(v, space), wasm_i8x16_lt(v, wasm_i8x16_splat(0)));
      if (!wasm_v128_any_true(special)) {
        uint32_t m = wasm_i8x16_bitmask(wasm_v128_or(wasm_i8x16_eq(v, quote), wasm_i8x16_eq(v, backslash)));
        while (m != 0) {
          out[k++] = base + (int32_t)(i + (uint32_t)__builtin_ctz(m));
          m &= m - 1;
        }
        i += 16;
        continue;
      }
    }
    /* byte-wise through the rest of this block (a UTF-8 sequence may end a little past it) */
    uint32_t stop = i + 16 < n ? i + 16 : n;
    while (i < stop) {
      uint8_t c = p[i];
      if (c < 0x20) return -1;
      if (c < 0x80) {
        if (c == '"' || c == '\\') out[k++] = base + (int32_t)i;
        i++;
      } else {
        uint32_t len = utf8_length(p, i, n);
        if (len == 0) return -1;
        i += len;
      }
    }
  }
  return k;
}

/*
 * Byte-wise order of two map keys without escapes or 4-byte sequences (then the same as JavaScript's
 * string order), both inside the document stage1 last scanned: negative, 0 or positive. Keys of a record
 * share long prefixes ("gen_ai.usage."), which 16 bytes at a time cross in a step or two.
 */
__attribute__((export_name("compare_keys"))) int32_t compare_keys(const uint8_t *a, uint32_t an, const uint8_t *b, uint32_t bn) {
  uint32_t n = an < bn ? an : bn;
  uint32_t i = 0;
  while (i + 16 <= n) {
    uint32_t same = wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    if (same != 0xffff) {
      i += (uint32_t)__builtin_ctz(~same);
      return (int32_t)a[i] - (int32_t)b[i];
    }
    i += 16;
  }
  for (; i < n; i++)
    if (a[i] != b[i]) return (int32_t)a[i] - (int32_t)b[i];
  return (int32_t)an - (int32_t)bn;
}
