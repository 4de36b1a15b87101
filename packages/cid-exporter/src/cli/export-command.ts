/** `llm-provenance export [STORE | EXPORT.car] --car FILE | --otlp-jsonl FILE | --jaeger-json FILE [--no-content]` */
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { exportCar } from '../export/export-car.js';
import { exportJaegerJson, exportOtlpJsonLines } from '../export/export-viewers.js';
import { defaultStore, UsageError, type CliIO } from './io.js';

export const EXPORT_USAGE = `llm-provenance export [STORE_DIR | EXPORT.car] [--car FILE] [--otlp-jsonl FILE] [--jaeger-json FILE] [--no-content]
  --car FILE          CARv1 rooted at a manifest linking every record, checkpoint and payload block
                      (ipfs dag import FILE; llm-provenance verify FILE); from a store directory
  --otlp-jsonl FILE   one OTLP/JSON ExportTraceServiceRequest per line (Collector file exporter format)
  --jaeger-json FILE  Jaeger UI "Upload JSON" document
  --no-content        leave prompts and outputs out of the OTLP / Jaeger files`;

export function runExport(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      car: { type: 'string' },
      'otlp-jsonl': { type: 'string' },
      'jaeger-json': { type: 'string' },
      'no-content': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(EXPORT_USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`export takes one store directory or CAR file, got ${positionals.length}: ${positionals.join(' ')}`);
  if (!values.car && !values['otlp-jsonl'] && !values['jaeger-json']) throw new UsageError('export needs --car FILE, --otlp-jsonl FILE or --jaeger-json FILE');
  const store = defaultStore(positionals[0]);
  const content = !values['no-content'];
  if (values.car) {
    let isFile = false;
    try {
      isFile = !statSync(store).isDirectory();
    } catch {
      // exportCar names a store that does not exist
    }
    if (isFile) throw new UsageError(`${store} is not a store directory (--car exports a store; a CAR export is one already)`);
    const s = exportCar(store, values.car);
    io.out(
      `car ${s.file}: root ${s.root}, ${s.logs} log(s), ${s.records} record(s), ${s.checkpoints} checkpoint(s), ${s.payloadBlocks} payload block(s), ${s.blocks} block(s), ${s.bytes} bytes`,
    );
    if (s.largeBlocks.length)
      io.err(`warning: ${s.largeBlocks.length} block(s) larger than 1 MiB (IPFS nodes may refuse or not transfer them): ${s.largeBlocks.join(', ')}`);
    if (s.skipped.length) io.err(`warning: ${s.skipped.length} damaged block(s) left out: ${s.skipped.join(', ')}; run llm-provenance verify ${store}`);
  }
  if (values['otlp-jsonl']) {
    const s = exportOtlpJsonLines(store, values['otlp-jsonl'], { content });
    io.out(`otlp-jsonl ${s.file}: ${s.spans} span(s) in ${s.units} line(s)`);
  }
  if (values['jaeger-json']) {
    const s = exportJaegerJson(store, values['jaeger-json'], { content });
    io.out(`jaeger-json ${s.file}: ${s.spans} span(s) in ${s.units} trace(s)`);
  }
  return 0;
}
