/**
 * Splits a CARv1 file into its header and sections without trusting anything in it: every structural
 * problem is returned as a positioned error instead of thrown, with the sections read before it, so a
 * verifier can name the first failure exactly. Spec: https://ipld.io/specs/transport/car/carv1/
 */
import { decodeVarint } from '../export/varint.js';
import { readBinaryCid, type BinaryCid } from './binary-cid.js';
import { decodeCarHeader, type CarHeader } from './car-header-decoder.js';

/** One block section as stored. */
export interface CarSection {
  /** 0-based position among the sections. */
  index: number;
  /** Byte offset of the section's length varint in the file. */
  offset: number;
  cid: BinaryCid;
  data: Uint8Array;
}

/** Why a CAR could not be read to the end. */
export interface CarStructureError {
  kind: 'malformed header' | 'truncated' | 'malformed section';
  /** Byte offset where the problem starts. */
  offset: number;
  /** Index of the section the problem is in (absent for the header). */
  section?: number;
  message: string;
}

export interface ParsedCar {
  header?: CarHeader;
  sections: CarSection[];
  error?: CarStructureError;
}

/** Parses the bytes of a CARv1 file. */
export function parseCar(bytes: Uint8Array): ParsedCar {
  let headerLen;
  try {
    headerLen = decodeVarint(bytes, 0);
  } catch (err) {
    return { sections: [], error: { kind: 'malformed header', offset: 0, message: (err as Error).message } };
  }
  if (!headerLen || headerLen.length + headerLen.value > bytes.length) {
    return { sections: [], error: { kind: 'truncated', offset: 0, message: 'file ends inside the CAR header' } };
  }
  let header: CarHeader;
  try {
    header = decodeCarHeader(bytes.subarray(headerLen.length, headerLen.length + headerLen.value));
  } catch (err) {
    return { sections: [], error: { kind: 'malformed header', offset: headerLen.length, message: (err as Error).message } };
  }
  const rest = parseSections(bytes, headerLen.length + headerLen.value);
  return { header, ...rest };
}

/**
 * Reads CARv1 sections (`varint(len) | CID | data`) from `start` to the end of `bytes`. Also the format of
 * a store's block pack files (FORMAT.md section 5.1), which are a CAR without its header.
 */
export function parseSections(bytes: Uint8Array, start: number): { sections: CarSection[]; error?: CarStructureError } {
  const sections: CarSection[] = [];
  let at = start;
  while (at < bytes.length) {
    const index = sections.length;
    let len;
    try {
      len = decodeVarint(bytes, at);
    } catch (err) {
      return { sections, error: { kind: 'malformed section', offset: at, section: index, message: (err as Error).message } };
    }
    if (!len) {
      return { sections, error: { kind: 'truncated', offset: at, section: index, message: 'file ends inside a section length' } };
    }
    const bodyStart = at + len.length;
    const end = bodyStart + len.value;
    if (end > bytes.length) {
      return {
        sections,
        error: { kind: 'truncated', offset: at, section: index, message: `section declares ${len.value} bytes but only ${bytes.length - bodyStart} remain` },
      };
    }
    if (len.value === 0) {
      return { sections, error: { kind: 'malformed section', offset: at, section: index, message: 'empty section (no CID)' } };
    }
    const body = bytes.subarray(bodyStart, end);
    let cid: BinaryCid;
    try {
      cid = readBinaryCid(body, 0);
    } catch (err) {
      return { sections, error: { kind: 'malformed section', offset: at, section: index, message: (err as Error).message } };
    }
    sections.push({ index, offset: at, cid, data: body.subarray(cid.bytes.length) });
    at = end;
  }
  return { sections };
}
