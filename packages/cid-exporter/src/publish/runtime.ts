/** Whether this Node.js can run the embedded Helia node. */

/** Oldest Node.js major Helia and libp2p support (their packages use APIs Node 20 lacks). */
export const HELIA_MIN_NODE_MAJOR = 22;

/** Why the embedded Helia node cannot run here (one line), or undefined when it can. */
export function heliaUnsupported(version = process.versions.node): string | undefined {
  const major = Number(version.split('.')[0]);
  if (major >= HELIA_MIN_NODE_MAJOR) return undefined;
  return `the embedded Helia node needs Node.js ${HELIA_MIN_NODE_MAJOR} or newer (this is Node.js ${version}); use --kubo URL to publish through a Kubo node instead`;
}
