import { register } from 'node:module';
import * as api from '@opentelemetry/api';
api.diag.setLogger(new api.DiagConsoleLogger(), api.DiagLogLevel.DEBUG);
register('import-in-the-middle/hook.mjs', import.meta.url);
const { HuggingFaceInstrumentation } = await import('@llm-provenance/instrumentation-huggingface');
new HuggingFaceInstrumentation();
