import { DagJsonScan } from './dist/esm/dag-json/validate.js';
import { RecordCheck } from './dist/esm/verify/record-check.js';
import fs from 'node:fs';
const dir = '/work/scratch/readers-bench/store-200mb/logs/';
const f = fs.readdirSync(dir)[0];
const buf = fs.readFileSync(dir + f).subarray(0, 20 << 20);
const lines = []; let p = 0; for (;;) { const nl = buf.indexOf(10, p); if (nl < 0) break; lines.push([p, nl]); p = nl + 1; }
const bytes = lines.reduce((a, [s, e]) => a + e - s, 0);
console.log(lines.length, 'lines', (bytes / lines.length).toFixed(0), 'B avg');
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const scan = new DagJsonScan(); const rc = new RecordCheck(); const log = Buffer.from(f.replace('.jsonl', ''));
for (let r = 0; r < 4; r++) {
  let t = cpu(); for (const [s, e] of lines) if (!scan.scan(buf, s, e)) throw new Error(scan.error); const a = cpu() - t;
  t = cpu(); for (const [s, e] of lines) if (!rc.check(buf, s, e, log)) throw new Error(rc.problem); const c = cpu() - t;
  t = cpu(); for (const [s, e] of lines) JSON.parse(buf.latin1Slice(s, e)); const j = cpu() - t;
  console.log('scan ns/B', (a / bytes * 1e9).toFixed(2), 'record check ns/B', (c / bytes * 1e9).toFixed(2), 'JSON.parse ns/B', (j / bytes * 1e9).toFixed(2));
}
