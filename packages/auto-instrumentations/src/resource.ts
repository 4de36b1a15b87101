import { randomUUID } from 'node:crypto';
import type { Attributes } from '@opentelemetry/api';
import { defaultResource, detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
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
 * The process's resource, lowest precedence first:
 * SDK defaults; service.name from the app's package.json (else `unknown_service:node`) and a random
 * service.instance.id; then OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, process.* and host.*; then code.
 */
export function buildResource(options: ResourceOptions = {}): Resource {
  const fallback = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: appPackageName(options.mainScript ?? process.argv[1]) ?? UNKNOWN_SERVICE_NAME,
    // Every process is its own writer (one provenance log per process), so it gets its own instance id.
    [ATTR_SERVICE_INSTANCE_ID]: randomUUID(),
  });
  const detected = detectResources({ detectors: [envDetector, processDetector, hostDetector] });
  const explicit = resourceFromAttributes({
    ...options.attributes,
    ...(options.serviceName !== undefined ? { [ATTR_SERVICE_NAME]: options.serviceName } : {}),
  });
  return defaultResource().merge(fallback).merge(detected).merge(explicit);
}
