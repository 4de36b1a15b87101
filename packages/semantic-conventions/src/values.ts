/**
 * Enumerated attribute values. Source: GenAI semantic conventions registry (gen_ai.operation.name,
 * gen_ai.provider.name, gen_ai.output.type, gen_ai.token.type), checked against
 * `@opentelemetry/semantic-conventions@1.45.0`. Provider names the registry does not list are ours and
 * marked so.
 */

export const GenAiOperationName = {
  CHAT: 'chat',
  GENERATE_CONTENT: 'generate_content',
  TEXT_COMPLETION: 'text_completion',
  EMBEDDINGS: 'embeddings',
  CREATE_AGENT: 'create_agent',
  INVOKE_AGENT: 'invoke_agent',
  INVOKE_WORKFLOW: 'invoke_workflow',
  EXECUTE_TOOL: 'execute_tool',
  RETRIEVAL: 'retrieval',
  /** Ours: counting the tokens of a prompt without generating (Anthropic `messages.countTokens`, Gemini `countTokens`). */
  COUNT_TOKENS: 'count_tokens',
  /** Ours: scoring documents against a query (vLLM `/rerank` and `/score`, TEI `/rerank`, OVMS `/v3/rerank`). */
  RERANK: 'rerank',
  /** Ours: a model's prediction on tensors or instances (TensorFlow Serving REST `:predict`, TEI `/predict`). */
  PREDICT: 'predict',
  /** Ours: one inference on a served model (KServe v2 `/infer`, the REST model-server contract's `/infer`). */
  INFER: 'infer',
} as const;
export type GenAiOperationName = (typeof GenAiOperationName)[keyof typeof GenAiOperationName];

export const GenAiProviderName = {
  // Well-known values from the registry.
  ANTHROPIC: 'anthropic',
  AWS_BEDROCK: 'aws.bedrock',
  AZURE_AI_INFERENCE: 'azure.ai.inference',
  AZURE_AI_OPENAI: 'azure.ai.openai',
  COHERE: 'cohere',
  DEEPSEEK: 'deepseek',
  GCP_GEMINI: 'gcp.gemini',
  GCP_GEN_AI: 'gcp.gen_ai',
  GCP_VERTEX_AI: 'gcp.vertex_ai',
  GROQ: 'groq',
  IBM_WATSONX_AI: 'ibm.watsonx.ai',
  MISTRAL_AI: 'mistral_ai',
  OPENAI: 'openai',
  PERPLEXITY: 'perplexity',
  X_AI: 'x_ai',
  // Ours: self-hosted servers the registry has no value for.
  OLLAMA: 'ollama',
  VLLM: 'vllm',
  HF_TGI: 'hf.tgi',
  HF_TEI: 'hf.tei',
  /** Ours: the Hugging Face router (Inference Providers) serving a model itself. */
  HUGGINGFACE: 'huggingface',
  OPENVINO_OVMS: 'openvino.ovms',
  OPEA: 'opea',
  LITELLM: 'litellm',
} as const;
export type GenAiProviderName = (typeof GenAiProviderName)[keyof typeof GenAiProviderName];

export const GenAiOutputType = {
  TEXT: 'text',
  JSON: 'json',
  IMAGE: 'image',
  SPEECH: 'speech',
} as const;
export type GenAiOutputType = (typeof GenAiOutputType)[keyof typeof GenAiOutputType];

export const GenAiTokenType = {
  INPUT: 'input',
  OUTPUT: 'output',
} as const;
export type GenAiTokenType = (typeof GenAiTokenType)[keyof typeof GenAiTokenType];
