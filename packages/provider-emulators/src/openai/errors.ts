import type { ErrorSpec, RouteContext } from '../core/types.js';

type ErrorDefaults = { message: string; type: string; code: string | null };

/**
 * Default error bodies per status, worded as the OpenAI API words them
 * (https://platform.openai.com/docs/guides/error-codes). A scenario's own message/type/code win.
 */
const CLIENT_ERROR: ErrorDefaults = { message: 'Invalid request.', type: 'invalid_request_error', code: null };
const SERVER_ERROR: ErrorDefaults = { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: null };
const DEFAULTS: Record<number, ErrorDefaults> = {
  400: CLIENT_ERROR,
  401: {
    message: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  },
  403: { message: 'You are not allowed to perform this request.', type: 'invalid_request_error', code: 'forbidden' },
  404: { message: 'The model does not exist or you do not have access to it.', type: 'invalid_request_error', code: 'model_not_found' },
  409: { message: 'The request conflicts with another request.', type: 'invalid_request_error', code: null },
  422: { message: 'The request could not be processed.', type: 'invalid_request_error', code: null },
  429: { message: 'Rate limit reached for requests. Please try again later.', type: 'requests', code: 'rate_limit_exceeded' },
  500: SERVER_ERROR,
  502: { message: 'Bad gateway.', type: 'server_error', code: null },
  503: { message: 'The server is overloaded or not ready yet.', type: 'server_error', code: null },
};

export const MISSING_KEY_MESSAGE =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
  "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API " +
  'from your browser and are prompted for a username and password. You can obtain an API key from ' +
  'https://platform.openai.com/account/api-keys.';

export const INVALID_JSON_MESSAGE =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library " +
  'correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble ' +
  'figuring out how to fix this, please contact us through our help center at help.openai.com.)';

/** The OpenAI error body: exactly `{ error: { message, type, param, code } }`. */
export function openAiErrorBody(spec: ErrorSpec): { error: { message: string; type: string; param: string | null; code: string | null } } {
  const d = DEFAULTS[spec.status] ?? (spec.status >= 500 ? SERVER_ERROR : CLIENT_ERROR);
  return {
    error: {
      message: spec.message ?? d.message,
      type: spec.type ?? d.type,
      param: spec.param ?? null,
      code: spec.code === undefined ? d.code : spec.code,
    },
  };
}

export function sendOpenAiError(ctx: RouteContext, spec: ErrorSpec): void {
  const headers: Record<string, string> = {};
  if (spec.status === 429) {
    // A limited request reports the exhausted window, as the API does alongside its 429s.
    headers['x-ratelimit-remaining-requests'] = '0';
    headers['x-ratelimit-reset-requests'] = `${spec.retryAfter ?? 1}s`;
    if (spec.retryAfter !== undefined) headers['retry-after'] = String(spec.retryAfter);
  }
  let body = spec;
  // Bad JSON is reported with OpenAI's wording whatever the core's generic message says.
  if (spec.type === 'invalid_json') body = { status: 400, message: INVALID_JSON_MESSAGE, type: 'invalid_request_error', code: null };
  // A 404 without its own message names the requested model, as the API's model_not_found does.
  else if (spec.status === 404 && spec.message === undefined) {
    const model = (ctx.body as { model?: unknown } | undefined)?.model;
    if (typeof model === 'string') body = { ...spec, message: `The model \`${model}\` does not exist or you do not have access to it.` };
  }
  ctx.json(spec.status, openAiErrorBody(body), headers);
}

/** Validation error naming the missing parameter, like the API's `missing_required_parameter`. */
export function missingParameter(param: string): ErrorSpec {
  return { status: 400, message: `Missing required parameter: '${param}'.`, type: 'invalid_request_error', param, code: 'missing_required_parameter' };
}

export function invalidParameter(param: string, message: string): ErrorSpec {
  return { status: 400, message, type: 'invalid_request_error', param, code: 'invalid_value' };
}
