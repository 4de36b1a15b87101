/**
 * Loopback-only addresses for the embedded Helia node. The default Helia/libp2p configuration listens
 * on every interface, bootstraps to public peers and dials the public network; this package's node only
 * ever listens on and dials 127.0.0.0/8 and ::1 (multiaddr form: https://github.com/multiformats/multiaddr).
 */

const LOOPBACK_TCP = /^\/(ip4\/127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}|ip6\/::1)\/tcp\/\d{1,5}(\/p2p\/[1-9A-HJ-NP-Za-km-z]+|\/p2p\/b[a-z2-7]+)?$/;

/** Whether `addr` is a TCP multiaddr on a loopback address (optionally ending in /p2p/<peer id>). */
export function isLoopbackTcp(addr: string): boolean {
  return LOOPBACK_TCP.test(addr);
}

/** Throws an Error naming `what` unless every address is loopback TCP. */
export function assertLoopback(addrs: readonly string[], what: string): void {
  for (const a of addrs) {
    if (!isLoopbackTcp(a))
      throw new Error(
        `${what} ${a} is not a loopback TCP multiaddr (/ip4/127.0.0.1/tcp/PORT[/p2p/PEER] or /ip6/::1/tcp/PORT): this node never listens on or dials other networks`,
      );
  }
}

export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0'];
