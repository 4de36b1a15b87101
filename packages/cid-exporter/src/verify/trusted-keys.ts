/** Resolving the set of Ed25519 public keys that may sign checkpoints. */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { didKeyOfHex, parseEd25519DidKey } from '../key/did-key.js';

/**
 * Raw 32-byte public key (hex) of the store's PKCS#8 PEM private key, or undefined when there is no key
 * file. A key file that exists but is not an Ed25519 private key is an error naming the file: silently
 * falling back to "trust whatever key a checkpoint carries" would let an edited key file disable the check.
 */
export function storePublicKeyHex(pemPath: string): string | undefined {
  let pem: string;
  try {
    pem = readFileSync(pemPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read store key ${pemPath}: ${(err as Error).message}`, { cause: err });
  }
  let jwk: { kty?: string; crv?: string; x?: string };
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(pem);
    jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  } catch (err) {
    throw new Error(`store key ${pemPath} is not a PKCS#8 PEM private key: ${(err as Error).message}`, { cause: err });
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x) {
    throw new Error(`store key ${pemPath} is not an Ed25519 private key (found ${jwk.crv ?? jwk.kty ?? 'unknown'})`);
  }
  // The parser forgives whitespace, line lengths and text around the PEM block; the writer never writes
  // those (FORMAT.md section 7), so the file must be byte for byte what the key exports as.
  if (privateKey.export({ format: 'pem', type: 'pkcs8' }) !== pem) {
    throw new Error(`store key ${pemPath} was edited: it is not byte for byte the PKCS#8 PEM the writer writes (whitespace or text changed)`);
  }
  return Buffer.from(jwk.x, 'base64url').toString('hex');
}

/** The keys allowed to sign, each given as a `did:key` (src/key/did-key.ts). */
export class TrustedKeys {
  private readonly wanted: Set<string>;

  constructor(keys: readonly string[]) {
    this.wanted = new Set(keys.map((k) => parseEd25519DidKey(k.trim()).toString('hex')));
  }

  get size(): number {
    return this.wanted.size;
  }

  /** True when the raw public key (hex) is one of the trusted keys. */
  has(rawHex: string): boolean {
    return this.wanted.has(rawHex);
  }

  /** Trusts the raw public key (hex) of the store's own key file. */
  static ofRawHex(rawHex: string): TrustedKeys {
    return new TrustedKeys([didKeyOfHex(rawHex)]);
  }
}

/**
 * Said when signatures were checked only against the keys the checkpoints carry: they prove the
 * checkpoints are intact, not who signed them. Pin a key with `--key` / `trustedKeys` for that.
 */
export function untrustedKeysNote(file: string, rawKeys: ReadonlySet<string>): { file: string; detail: string } {
  return {
    file,
    detail: `no trusted key given: signatures were checked against the key(s) the checkpoints carry (${[...rawKeys].map(didKeyOfHex).join(', ')}); pass --key to pin the signer`,
  };
}
