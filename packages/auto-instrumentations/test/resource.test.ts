import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appPackageName, buildResource, UNKNOWN_SERVICE_NAME } from '@llm-provenance/auto-instrumentations';
import { testTempDir } from '@llm-provenance/test-support';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function appIn(packageJson: object | undefined): string {
  const root = testTempDir('resource-');
  if (packageJson) writeFileSync(path.join(root, 'package.json'), JSON.stringify(packageJson));
  mkdirSync(path.join(root, 'src', 'jobs'), { recursive: true });
  return path.join(root, 'src', 'jobs', 'main.js');
}

afterEach(() => {
  delete process.env.OTEL_SERVICE_NAME;
  delete process.env.OTEL_RESOURCE_ATTRIBUTES;
});

describe('appPackageName', () => {
  it('finds the nearest package.json name above the main script', () => {
    expect(appPackageName(appIn({ name: 'billing-worker' }))).toBe('billing-worker');
  });

  it('is undefined without a script', () => {
    expect(appPackageName(undefined)).toBeUndefined();
  });
});

describe('buildResource', () => {
  it("names the service after the app's package and gives each process its own instance id", () => {
    const script = appIn({ name: 'billing-worker' });
    const first = buildResource({ mainScript: script }).attributes;
    const second = buildResource({ mainScript: script }).attributes;
    expect(first['service.name']).toBe('billing-worker');
    expect(first['service.instance.id']).toMatch(UUID);
    expect(second['service.instance.id']).toMatch(UUID);
    expect(second['service.instance.id']).not.toBe(first['service.instance.id']);
    expect(first['host.name']).toBe(hostname());
    expect(first['process.pid']).toBe(process.pid);
    expect(first['telemetry.sdk.language']).toBe('nodejs');
  });

  it('lets OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the package name', () => {
    process.env.OTEL_SERVICE_NAME = 'from-env';
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'deployment.environment.name=staging';
    const attributes = buildResource({ mainScript: appIn({ name: 'billing-worker' }) }).attributes;
    expect(attributes['service.name']).toBe('from-env');
    expect(attributes['deployment.environment.name']).toBe('staging');
  });

  it('lets code win over the environment', () => {
    process.env.OTEL_SERVICE_NAME = 'from-env';
    const attributes = buildResource({ serviceName: 'from-code', attributes: { 'team.name': 'audit' } }).attributes;
    expect(attributes['service.name']).toBe('from-code');
    expect(attributes['team.name']).toBe('audit');
  });

  it('falls back to unknown_service:node without a named package', () => {
    expect(UNKNOWN_SERVICE_NAME).toBe('unknown_service:node');
    const root = testTempDir('resource-');
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ private: true }));
    // The unnamed package.json stops the walk: a parent's name would belong to some other project.
    expect(buildResource({ mainScript: path.join(root, 'main.js') }).attributes['service.name']).toBe('unknown_service:node');
  });
});
