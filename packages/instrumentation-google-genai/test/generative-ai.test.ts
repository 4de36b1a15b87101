import { createRequire } from 'node:module';
import { installedVersion, setupTracing } from './tracing.js';
import { generativeAISuite } from './generative-ai-suite.js';

const tracing = setupTracing();
const require = createRequire(import.meta.url);

generativeAISuite(`${installedVersion(require, '@google/generative-ai')} (package devDependency)`, () => require('@google/generative-ai'), tracing);
