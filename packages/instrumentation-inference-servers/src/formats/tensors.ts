import type { GenAIResponse } from '@llm-provenance/instrumentation-common';
import { ATTR_INFERENCE_SERVER_MODEL_VERSION } from '@llm-provenance/semantic-conventions';
import type { MessagePart } from '@llm-provenance/semantic-conventions';
import { baseRequest, field, type BodyFormat, type MatchedCall } from './format.js';
import { assistantMessage, userMessage } from './parts.js';

/** The model version named in the path, as a request attribute. */
function versionAttributes(call: MatchedCall): Record<string, string> | undefined {
  return call.params.version !== undefined ? { [ATTR_INFERENCE_SERVER_MODEL_VERSION]: call.params.version } : undefined;
}

/**
 * TensorFlow Serving's REST predict API as OpenVINO Model Server serves it
 * (https://docs.openvino.ai/nightly/model-server/ovms_docs_rest_api_tfs.html,
 * https://www.tensorflow.org/tfx/serving/api_rest#predict_api): `POST /v1/models/{name}[/versions/{v}]:predict`
 * with `{signature_name?, instances | inputs}` -> `{predictions | outputs}`. The model is the path's.
 */
export const TF_PREDICT: BodyFormat = {
  request(body, call) {
    const request = baseRequest(undefined, call);
    request.attributes = versionAttributes(call);
    request.content = () => ({ inputMessages: userMessage([{ type: 'data', content: field(body, 'instances') ?? field(body, 'inputs') ?? null }]) });
    return request;
  },
  response(body): GenAIResponse | undefined {
    if (!body || typeof body !== 'object') return undefined;
    return { outputMessages: assistantMessage([{ type: 'data', content: field(body, 'predictions') ?? field(body, 'outputs') ?? null }]) };
  },
};

/**
 * KServe's Open Inference Protocol (v2) as OpenVINO Model Server serves it
 * (https://docs.openvino.ai/nightly/model-server/ovms_docs_rest_api_kfs.html,
 * https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/):
 * `POST /v2/models/{name}[/versions/{v}]/infer` with `{id?, inputs: [{name, shape, datatype, data}]}` ->
 * `{model_name, model_version, id, outputs: [...]}`. Each tensor is one `tensor` part.
 */
export const KSERVE_INFER: BodyFormat = {
  request(body, call) {
    const request = baseRequest(undefined, call);
    request.attributes = versionAttributes(call);
    request.content = () => ({ inputMessages: userMessage(tensors(field(body, 'inputs'))) });
    return request;
  },
  response(body): GenAIResponse | undefined {
    if (!body || typeof body !== 'object') return undefined;
    const id = field(body, 'id');
    const model = field(body, 'model_name');
    return {
      id: typeof id === 'string' ? id : undefined,
      model: typeof model === 'string' ? model : undefined,
      outputMessages: assistantMessage(tensors(field(body, 'outputs'))),
    };
  },
};

function tensors(value: unknown): MessagePart[] {
  if (!Array.isArray(value)) return [];
  return value.map((t) => ({
    type: 'tensor',
    name: field(t, 'name') ?? null,
    datatype: field(t, 'datatype') ?? null,
    shape: field(t, 'shape') ?? null,
    data: field(t, 'data') ?? null,
  }));
}
