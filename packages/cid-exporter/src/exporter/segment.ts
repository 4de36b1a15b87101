/**
 * A one-entry cache for a stretch of record text that is usually the same from span to span (kind, log
 * and name; params link; resource and scope; status and flags): while its parts are the same strings it
 * returns the same string object, so the stretch is concatenated and flattened once, not per record.
 */
export class Segment {
  private k0: string | undefined;
  private k1 = '';
  private k2 = '';
  private k3 = '';
  private text = '';

  constructor(private readonly build: (a: string, b: string, c: string, d: string) => string) {}

  get(a: string, b = '', c = '', d = ''): string {
    if (a !== this.k0 || b !== this.k1 || c !== this.k2 || d !== this.k3) {
      this.k0 = a;
      this.k1 = b;
      this.k2 = c;
      this.k3 = d;
      this.text = this.build(a, b, c, d);
    }
    return this.text;
  }
}
