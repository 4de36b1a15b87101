/**
 * README.md as the tests read it: its `## ` sections, and the fenced code blocks of a section in order, each
 * with its language and the prose line that introduces it (so a test can find "the block under 'Run the
 * tests:'" the way .ci/run does).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TEST_ROOT } from '../harness/index.js';

export const REPO_ROOT = path.resolve(TEST_ROOT, '..');

export interface CodeBlock {
  /** The fence's info string: `sh`, `js`, `json`, ... */
  lang: string;
  /** The block's text, ending with a newline. */
  text: string;
  /** The last non-blank line before the opening fence. */
  introducedBy: string;
}

/** The body of README.md's section whose `## ` heading starts with `heading`, up to the next `## `. */
export function readmeSection(heading: string): string {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const sections = readme.split(/^(?=## )/m);
  const section = sections.find((candidate) => candidate.startsWith(`## ${heading}`));
  if (section === undefined) throw new Error(`README.md has no section "## ${heading}"`);
  return section;
}

/** The fenced code blocks of `markdown`, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  let lastProse = '';
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!fence) {
      if (lines[i]!.trim() !== '') lastProse = lines[i]!;
      continue;
    }
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    blocks.push({ lang: fence[1]!, text: `${body.join('\n')}\n`, introducedBy: lastProse });
    lastProse = '';
  }
  return blocks;
}

/** The commands of a shell block: one per line, with `\` continuations joined and comment lines dropped. */
export function shellCommands(block: CodeBlock): string[] {
  return block.text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
