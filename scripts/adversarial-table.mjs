// Prints RELIABILITY.md's results table (Markdown) from the summary `pnpm test:adversarial` wrote:
//   node scripts/adversarial-table.mjs [.adversarial/summary.json]
import * as fs from 'node:fs';

const file = process.argv[2] ?? '.adversarial/summary.json';
const { date, node, passed, families } = JSON.parse(fs.readFileSync(file, 'utf8'));
const ORDER = [
  'kill -9',
  'storage faults',
  'signals',
  'tamper classes',
  'fuzz: verifyStore',
  'fuzz: CAR reader and verifyCar',
  'fuzz: record decoder',
  'secrets',
  'malformed provider responses',
];
families.sort((a, b) => ORDER.indexOf(a.family) - ORDER.indexOf(b.family));

const details = (d) =>
  Object.entries(d)
    .map(([k, v]) => `${v} ${k}`)
    .join('; ');
const rows = [
  '| family | cases | lost acknowledged records | false accepts | secret hits | app-visible changes | crashes / hangs | also counted |',
  '|---|---:|---:|---:|---:|---:|---:|---|',
  ...families
    .map((f) => [f.family, f.cases, f.lostAcknowledged, f.falseAccepts, f.secretHits, f.appVisibleChanges, f.crashesOrHangs, details(f.details)].join(' | '))
    .map((r) => `| ${r} |`),
];
console.log(`\nAdversarial suite, ${date}, Node ${node}: ${passed ? 'all tests passed' : 'SOME TESTS FAILED'}\n`);
console.log(rows.join('\n'));
