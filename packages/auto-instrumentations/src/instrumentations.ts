import { backend, type InstrumentationEntry } from './backend.js';

/**
 * Every instrumentation that `register` and `start()` turn on, one line per backend:
 *
 *     backend('<short name>', '<npm package>', '<exported class>'),
 *
 * The short name is what OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS accept.
 * The package must also be listed in this package's package.json "dependencies".
 * A package that fails to load is skipped with a diag warning (see load-instrumentations.ts).
 */
export const INSTRUMENTATIONS: readonly InstrumentationEntry[] = [
  backend('openai', '@llm-provenance/instrumentation-openai', 'OpenAIInstrumentation'),
  backend('anthropic', '@llm-provenance/instrumentation-anthropic', 'AnthropicInstrumentation'),
  backend('groq', '@llm-provenance/instrumentation-groq', 'GroqInstrumentation'),
  backend('google-genai', '@llm-provenance/instrumentation-google-genai', 'GoogleGenAIInstrumentation'),
  backend('ollama', '@llm-provenance/instrumentation-ollama', 'OllamaInstrumentation'),
  backend('huggingface', '@llm-provenance/instrumentation-huggingface', 'HuggingFaceInstrumentation'),
  backend('inference-servers', '@llm-provenance/instrumentation-inference-servers', 'InferenceServersInstrumentation'),
  backend('ai-sdk', '@llm-provenance/instrumentation-ai-sdk', 'AiSdkInstrumentation'),
  backend('aws-s3', '@llm-provenance/instrumentation-aws-s3', 'AwsS3Instrumentation'),
  backend('mcp', '@llm-provenance/instrumentation-mcp', 'McpInstrumentation'),
  backend('bullmq', '@llm-provenance/instrumentation-bullmq', 'BullMQInstrumentation'),
];
