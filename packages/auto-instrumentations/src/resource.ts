import { randomUUID } from 'node:crypto';
import type { Attributes } from '@opentelemetry/api';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
  type Resource,
  type ResourceDetector,
} from '@opentelemetry/resources';
import { ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME } from '@llm-provenance/semantic-conventions';
import { appPackageName, UNKNOWN_SERVICE_NAME } from './service-name.js';

export interface ResourceOptions {
  /** Given in code: wins over everything. */
  serviceName?: string;
  /** Given in code: win over detected attributes. */
  attributes?: Attributes;
  /** The app's main script, for the package.json fallback of service.name. */
  mainScript?: string;
}

/**
 * `process.command_args` is the whole command line (`node --require ... app.js --api-key=...`): whatever
 * secret an operator passes as an argument would go into every record of the store and every span sent
 * to a collector. It is dropped; `process.command`, `process.executable.*` and `process.pid` still say
 * what ran. (Set it yourself through OTEL_RESOURCE_ATTRIBUTES or `resourceAttributes` if you want it.)
 */
const ATTR_PROCESS_COMMAND_ARGS = 'process.command_args';

const processDetectorWithoutArgs: ResourceDetector = {
  detect(config) {
    const detected = processDetector.detect(config);
    const { [ATTR_PROCESS_COMMAND_ARGS]: _dropped, ...attributes } = detected.attributes ?? {};
    return { ...detected, attributes };
  },
};

/**
 * The process's resource, lowest precedence first:
 * SDK defaults; service.name from the app's package.json (else `unknown_service:node`) and a random
 * service.instance.id; then OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, process.* (without the command
 * line, see above) and host.*; then code.
 */
export function buildResource(options: ResourceOptions = {}): Resource {
  const fallback = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: appPackageName(options.mainScript ?? process.argv[1]) ?? UNKNOWN_SERVICE_NAME,
    // Every process is its own writer (one provenance log per process), so it gets its own instance id.
    [ATTR_SERVICE_INSTANCE_ID]: randomUUID(),
  });
  const detected = detectResources({ detectors: [envDetector, processDetectorWithoutArgs, hostDetector] });
  const explicit = resourceFromAttributes({
    ...options.attributes,
    ...(options.serviceName !== undefined ? { [ATTR_SERVICE_NAME]: options.serviceName } : {}),
  });
  return defaultResource().merge(fallback).merge(detected).merge(explicit);
}
