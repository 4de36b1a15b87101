/** `llm-provenance export [STORE_DIR | EXPORT.car] --car FILE | --otlp-jsonl FILE | --jaeger-json FILE [--no-content]` */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { exportCar } from '../export/export-car.js';
import { exportJaegerJson, exportOtlpJsonLines } from '../export/export-viewers.js';
import { assertOutputFolder, inputKind } from './input.js';
import { defaultStore, EXIT_OK, HELP_OPTION, parsingArgs, UsageError, type CliIO } from './io.js';

export const EXPORT_USAGE = `llm-provenance export [STORE_DIR | EXPORT.car] [--car FILE] [--otlp-jsonl FILE] [--jaeger-json FILE] [--no-content]
  --car FILE          CARv1 rooted at a manifest linking every record, checkpoint and payload block
                      (ipfs dag import FILE; llm-provenance verify FILE); from a store directory (a CAR
                      export is one already)
  --otlp-jsonl FILE   one OTLP/JSON TracesData per line (the Collector file exporter format)
  --jaeger-json FILE  Jaeger UI "Upload JSON" document
  --no-content        leave prompts and outputs out of the OTLP / Jaeger files
  Each file is written to a temporary file beside it and renamed into place; its folder must exist.`;

export function runExport(args: string[], io: CliIO): number {
  const { values, positionals } = parsingArgs('export', () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...HELP_OPTION,
        car: { type: 'string' },
        'otlp-jsonl': { type: 'string' },
        'jaeger-json': { type: 'string' },
        'no-content': { type: 'boolean' },
      },
    }),
  );
  if (values.help) {
    io.out(EXPORT_USAGE);
    return EXIT_OK;
  }
  if (positionals.length > 1) throw new UsageError(`export takes one store directory or CAR file, got ${positionals.length}: ${positionals.join(' ')}`);
  if (!values.car && !values['otlp-jsonl'] && !values['jaeger-json']) throw new UsageError('export needs --car FILE, --otlp-jsonl FILE or --jaeger-json FILE');
  const source = defaultStore(positionals[0]);
  const kind = inputKind(source);
  const outputs: Array<[string, string | undefined]> = [
    ['--car', values.car],
    ['--otlp-jsonl', values['otlp-jsonl']],
    ['--jaeger-json', values['jaeger-json']],
  ];
  for (const [option, file] of outputs) {
    if (file === undefined) continue;
    assertOutputFolder(file, option);
    if (resolve(file) === resolve(source)) throw new UsageError(`${option} ${file} would overwrite the ${kind} being exported`);
  }
  if (values.car && kind === 'car') throw new UsageError(`${source} is a CAR export already (--car exports a store directory)`);
  const content = !values['no-content'];
  try {
    if (values.car) {
      const s = exportCar(source, values.car);
      io.out(
        `car ${s.file}: root ${s.root}, ${s.logs} log(s), ${s.records} record(s), ${s.checkpoints} checkpoint(s), ${s.payloadBlocks} payload block(s), ${s.blocks} block(s), ${s.bytes} bytes`,
      );
      if (s.largeBlocks.length)
        io.err(`warning: ${s.largeBlocks.length} block(s) larger than 1 MiB (IPFS nodes may refuse or not transfer them): ${s.largeBlocks.join(', ')}`);
      if (s.skipped.length) io.err(`warning: ${s.skipped.length} damaged block(s) left out: ${s.skipped.join(', ')}; run llm-provenance verify ${source}`);
      if (s.unreached) io.err(`note: ${s.unreached} block(s) no record reaches left out; run llm-provenance verify ${source}`);
    }
    if (values['otlp-jsonl']) {
      const s = exportOtlpJsonLines(source, values['otlp-jsonl'], { content });
      io.out(`otlp-jsonl ${s.file}: ${s.spans} span(s) in ${s.units} line(s)`);
    }
    if (values['jaeger-json']) {
      const s = exportJaegerJson(source, values['jaeger-json'], { content });
      io.out(`jaeger-json ${s.file}: ${s.spans} span(s) in ${s.units} trace(s)`);
    }
  } catch (err) {
    // unreadable input (a record export cannot read, a permission error): named by the exporter
    throw new UsageError((err as Error).message);
  }
  return EXIT_OK;
}
