// The whole-object digest of an Upload whose parts are sent out of order (Upload sends up to `queueSize`
// parts at once): driven directly, since which part s3rver answers first cannot be chosen.
import { describe, expect, it } from 'vitest';
// Internal (not exported from the package): the built module, as the package uses it.
import { UploadDigest } from '../dist/esm/upload-digest.js';
import { expectCidOf, patternBytes } from './helpers.js';

const object = patternBytes(10_000, 4);
const parts = [object.subarray(0, 3000), object.subarray(3000, 6000), object.subarray(6000, 9000), object.subarray(9000)];

describe('UploadDigest', () => {
  it('hashes parts in part order whatever order they are sent in', async () => {
    const digest = new UploadDigest();
    for (const index of [1, 3, 0, 2]) digest.addPart(index + 1, parts[index]);
    const finished = digest.finish();
    expect(finished?.size).toBe(object.length);
    await expectCidOf(finished?.finish(), object);
  });

  it('gives no CID while a part is missing, or when a part comes twice', () => {
    const gap = new UploadDigest();
    for (const index of [0, 2, 3]) gap.addPart(index + 1, parts[index]);
    expect(gap.finish()).toBeUndefined();
    const twice = new UploadDigest();
    for (const index of [0, 1, 1, 2, 3]) twice.addPart(index + 1, parts[index]);
    expect(twice.finish()).toBeUndefined();
  });

  it('gives no CID for a part it cannot hash as bytes', () => {
    const digest = new UploadDigest();
    digest.addPart(1, parts[0]);
    digest.addPart(2, { not: 'bytes' });
    expect(digest.finish()).toBeUndefined();
  });
});
