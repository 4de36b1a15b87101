/**
 * General (non-GenAI) attribute names the instrumentations emit.
 * Source: OpenTelemetry semantic conventions, stable registry (server.*, error.*) and the incubating
 * enduser.* registry.
 */

/** Spec: registry/attributes/server.md (stable). Host name or IP the client connected to. */
export const ATTR_SERVER_ADDRESS = 'server.address';
/** Spec: registry/attributes/server.md (stable). Port the client connected to. */
export const ATTR_SERVER_PORT = 'server.port';
/** Spec: registry/attributes/error.md (stable). Low-cardinality error class, e.g. an HTTP status code or exception type. */
export const ATTR_ERROR_TYPE = 'error.type';
/** Spec: registry/attributes/http.md (stable). HTTP response status code, set on errors that carry one. */
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
/** Spec: registry/attributes/enduser.md. The end user on whose behalf the call was made. */
export const ATTR_ENDUSER_ID = 'enduser.id';

/** Spec: resource conventions (stable). */
export const ATTR_SERVICE_NAME = 'service.name';
/** Spec: resource conventions. */
export const ATTR_SERVICE_INSTANCE_ID = 'service.instance.id';
/** Spec: resource conventions. */
export const ATTR_HOST_NAME = 'host.name';
