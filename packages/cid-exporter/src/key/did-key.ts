/**
 * The one form in which the CLI shows and accepts a store's public key: a `did:key` for Ed25519
 * (https://w3c-ccg.github.io/did-method-key/): `did:key:z` + base58btc(0xed 0x01 || 32-byte raw key),
 * which always starts `did:key:z6Mk`. It names the key type (multicodec `ed25519-pub`, 0xed), so it
 * cannot be mistaken for the 64-hex sha256 fingerprint a checkpoint carries in its statement
 * (FORMAT.md section 6), and a typo in it is caught by the decoder rather than compared as hex.
 */

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** Multicodec `ed25519-pub` (0xed) as an unsigned varint. */
const ED25519_PUB = [0xed, 0x01];
export const DID_KEY_PREFIX = 'did:key:z';

/** Base58 (Bitcoin alphabet) of `bytes`, leading zero bytes as '1'. */
function base58Encode(bytes: Uint8Array): string {
  const digits: number[] = [];
  for (const byte of bytes) {
    let carry = byte;
    for (let i = 0; i < digits.length; i++) {
      carry += digits[i]! << 8;
      digits[i] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let out = '';
  for (let i = 0; i < bytes.length && bytes[i] === 0; i++) out += '1';
  for (let i = digits.length - 1; i >= 0; i--) out += ALPHABET[digits[i]!];
  return out;
}

/** Bytes of a base58 string, or undefined when a character is outside the alphabet. */
function base58Decode(text: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (const ch of text) {
    let carry = ALPHABET.indexOf(ch);
    if (carry < 0) return undefined;
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i]! * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (let i = 0; i < text.length && text[i] === '1'; i++) bytes.push(0);
  return Uint8Array.from(bytes.reverse());
}

/** `did:key:z6Mk...` of a raw 32-byte Ed25519 public key. */
export function ed25519DidKey(raw: Uint8Array): string {
  if (raw.length !== 32) throw new RangeError(`an Ed25519 public key has 32 bytes, not ${raw.length}`);
  return DID_KEY_PREFIX + base58Encode(Uint8Array.from([...ED25519_PUB, ...raw]));
}

/** `did:key` of a raw public key given as hex (how verify's internals carry keys). */
export function didKeyOfHex(rawHex: string): string {
  return ed25519DidKey(Buffer.from(rawHex, 'hex'));
}

/** The raw 32-byte Ed25519 public key in a `did:key`; throws an Error naming what is wrong. */
export function parseEd25519DidKey(text: string): Buffer {
  if (!text.startsWith(DID_KEY_PREFIX)) {
    throw new Error(`${JSON.stringify(text)} is not a did:key (expected did:key:z6Mk..., as llm-provenance key export writes it)`);
  }
  const bytes = base58Decode(text.slice(DID_KEY_PREFIX.length));
  if (!bytes) throw new Error(`${JSON.stringify(text)} is not a did:key: not base58btc after "did:key:z"`);
  if (bytes.length !== 34 || bytes[0] !== ED25519_PUB[0] || bytes[1] !== ED25519_PUB[1]) {
    throw new Error(`${JSON.stringify(text)} is not an Ed25519 did:key (expected 0xed01 and 32 key bytes, found ${bytes.length} bytes)`);
  }
  return Buffer.from(bytes.subarray(2));
}
