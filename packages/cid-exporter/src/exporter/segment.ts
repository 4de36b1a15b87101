/**
 * A one-entry cache for a stretch of record bytes that is usually the same from span to span (kind,
 * links, log and name; resource and scope; status and flags): while its parts are the same strings it
 * returns the same bytes, so the stretch is built and encoded once, not per record.
 */
export class ByteSegment {
  private k0: string | undefined;
  private k1 = '';
  private k2 = '';
  private k3 = '';
  private bytes: Uint8Array = new Uint8Array(0);

  /** `build` returns the stretch as text (UTF-8 encoded here; lone surrogates must already be replaced). */
  constructor(private readonly build: (a: string, b: string, c: string, d: string) => string) {}

  get(a: string, b = '', c = '', d = ''): Uint8Array {
    if (a !== this.k0 || b !== this.k1 || c !== this.k2 || d !== this.k3) {
      this.k0 = a;
      this.k1 = b;
      this.k2 = c;
      this.k3 = d;
      this.bytes = Buffer.from(this.build(a, b, c, d), 'utf8');
    }
    return this.bytes;
  }
}
