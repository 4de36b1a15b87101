import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BlockSet } from '@llm-provenance/cid-exporter';

describe('BlockSet (blocks already in a pack)', () => {
  it('answers exactly like a Set of codec+digest keys, through many growths', () => {
    fc.assert(
      fc.property(
        // Few distinct digests, many repeats; digests sharing their first bytes (the hash) on purpose.
        fc.array(fc.tuple(fc.constantFrom(0x55, 0x0129, 0x71), fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 6000,
        }),
        (ops) => {
          const set = new BlockSet();
          const ref = new Set<string>();
          for (const [code, n, prefix] of ops) {
            const digest = new Uint8Array(32);
            digest[0] = prefix; // forced collisions of the slot hash
            digest[31] = n & 0xff;
            digest[30] = n >> 8;
            const key = `${code}:${Buffer.from(digest).toString('hex')}`;
            expect(set.has(code, digest)).toBe(ref.has(key));
            expect(set.add(code, digest)).toBe(!ref.has(key));
            ref.add(key);
            expect(set.has(code, digest)).toBe(true);
          }
          expect(set.size).toBe(ref.size);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('tells the same digest under two codecs apart and rejects a digest that is not 32 bytes', () => {
    const set = new BlockSet();
    const d = new Uint8Array(32).fill(7);
    expect(set.add(0x55, d)).toBe(true);
    expect(set.add(0x0129, d)).toBe(true);
    expect(set.add(0x55, Uint8Array.from(d))).toBe(false);
    expect(() => set.add(0x55, new Uint8Array(31))).toThrow('BlockSet: sha2-256 digest must be 32 bytes, got 31');
  });
});
