import { createRequire } from 'node:module';
import { compatPackage, nodeMajor } from '@llm-provenance/test-support';
import { installedVersion, setupTracing } from './tracing.js';
import { googleGenAISuite } from './genai-suite.js';
import { generativeAISuite } from './generative-ai-suite.js';

/**
 * The oldest and newest supported majors of each SDK, pinned in test/compat/<sdk>-<major>/, through
 * the same behaviour suites as the package's own devDependencies.
 */
const tracing = setupTracing();

function compatRequire(folder: string) {
  return createRequire(compatPackage(folder));
}

for (const folder of ['google-genai-1', 'google-genai-3']) {
  const req = compatRequire(folder);
  const version = installedVersion(req, '@google/genai');
  // @google/genai 3.x declares engines.node >= 22.
  const skip =
    Number(version.split('.')[0]) >= 3 && nodeMajor < 22 ? `@google/genai ${version} requires Node >= 22, this is Node ${process.versions.node}` : false;
  googleGenAISuite(`${version} (test/compat/${folder})`, () => req('@google/genai'), tracing, skip);
}

for (const folder of ['generative-ai-0.21', 'generative-ai-0.24']) {
  const req = compatRequire(folder);
  generativeAISuite(`${installedVersion(req, '@google/generative-ai')} (test/compat/${folder})`, () => req('@google/generative-ai'), tracing);
}
