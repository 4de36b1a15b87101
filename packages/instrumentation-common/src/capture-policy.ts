import { diag } from '@opentelemetry/api';

/** OTel's own switch for GenAI content capture (GenAI semantic conventions, "Recording content"). */
export const ENV_CAPTURE_MESSAGE_CONTENT = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

/**
 * Whether prompts and completions go on spans. Precedence: the constructor option
 * `captureMessageContent`, then the env var (`true` / `false`, case-insensitive; also `1` / `0`),
 * then OUR default, which is to capture: provenance of what a model was asked and answered is the
 * point of this project. (OTel's own instrumentations default to not capturing.)
 */
export function resolveCaptureContent(option: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (typeof option === 'boolean') return option;
  const raw = env[ENV_CAPTURE_MESSAGE_CONTENT];
  if (raw === undefined || raw.trim() === '') return true;
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  diag.warn(`${ENV_CAPTURE_MESSAGE_CONTENT}=${JSON.stringify(raw)} is neither "true" nor "false"; capturing content (the default)`);
  return true;
}
