import { diag } from '@opentelemetry/api';

/** OTel's own switch for GenAI content capture (GenAI semantic conventions, "Recording content"). */
export const ENV_CAPTURE_MESSAGE_CONTENT = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

/**
 * Values of the env var and whether they put content on SPANS (the only signal we write). Booleans
 * (`true` / `false`, also `1` / `0`), and the enum the OTel GenAI utils now give the same variable
 * (opentelemetry-python-contrib util/opentelemetry-util-genai: NO_CONTENT | SPAN_ONLY | EVENT_ONLY |
 * SPAN_AND_EVENT): EVENT_ONLY asks for content on events only, so none on spans.
 */
const ENV_VALUES: Record<string, boolean> = {
  true: true,
  '1': true,
  span_only: true,
  span_and_event: true,
  false: false,
  '0': false,
  no_content: false,
  event_only: false,
};

/**
 * Whether prompts and completions go on spans. Precedence: the constructor option
 * `captureMessageContent`, then the env var (see ENV_VALUES; case-insensitive), then OUR default, which
 * is to capture: provenance of what a model was asked and answered is the point of this project.
 * (OTel's own instrumentations default to not capturing.) A value set but not understood does NOT
 * capture: whoever set the variable may have meant "off" (`off`, `no`, a misspelling), and content
 * leaked cannot be taken back (OTel's rule for boolean env vars, too: anything but "true" is false).
 */
export function resolveCaptureContent(option: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (typeof option === 'boolean') return option;
  const raw = env[ENV_CAPTURE_MESSAGE_CONTENT];
  if (raw === undefined || raw.trim() === '') return true;
  const value = ENV_VALUES[raw.trim().toLowerCase()];
  if (value !== undefined) return value;
  diag.warn(
    `${ENV_CAPTURE_MESSAGE_CONTENT}=${JSON.stringify(raw)} is not one of true, false, NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT; not capturing content`,
  );
  return false;
}
