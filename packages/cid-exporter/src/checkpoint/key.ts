/**
 * The store's Ed25519 signing key (FORMAT.md section 7), kept in keys/ed25519.pem (PKCS#8 PEM, 0600).
 * Generated on first use; concurrent first users race through a hard link so all agree on one key.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { storePaths } from '../record.js';
import { ensureDir, writeFileOnce } from '../fs-util.js';

export interface StoreKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** 32-byte raw Ed25519 public key. */
  publicKeyRaw: Buffer;
  /** Lower-case hex sha256 of the raw public key. */
  fingerprint: string;
}

/** Raw 32-byte public key from an Ed25519 KeyObject (the last 32 bytes of its SPKI DER). */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

/** Ed25519 public KeyObject from the 32 raw bytes (SPKI DER prefix 302a300506032b6570032100). */
export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new Error(`Ed25519 public key must be 32 bytes, got ${raw.length}`);
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
  return createPublicKey({ key: der, format: 'der', type: 'spki' });
}

export function keyFingerprint(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex');
}

export function loadOrCreateKey(storeDir: string): StoreKey {
  const file = path.join(storeDir, storePaths.key);
  if (!fs.existsSync(file)) {
    ensureDir(path.dirname(file));
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileOnce(file, privateKey.export({ format: 'pem', type: 'pkcs8' }));
  }
  const privateKey = createPrivateKey(fs.readFileSync(file));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key (found ${privateKey.asymmetricKeyType})`);
  const publicKey = createPublicKey(privateKey);
  const publicKeyRaw = rawPublicKey(publicKey);
  return { privateKey, publicKey, publicKeyRaw, fingerprint: keyFingerprint(publicKeyRaw) };
}
