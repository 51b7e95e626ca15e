/** The parts of observing that need no hub: request ids, operation labels, when tracing is on, the grace setting. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { requestIdFrom } from '../../services/shared/src/request-log.ts';
import { createMetrics, MAX_OPERATIONS, statementKind } from '../../services/shared/src/metrics.ts';
import { tracingRequested } from '../../services/shared/src/telemetry.ts';
import { ConfigError, loadGatewayConfig } from '../../services/shared/src/env.ts';

const env = {
  HUB_JWT_ISSUER: 'https://login.region.example/',
  HUB_JWKS: JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'prod-1' }] }),
  HUB_GATEWAY_SECRET: randomBytes(32).toString('hex'),
  HUB_DIR: '/nonexistent-hub-dir',
};

describe('request ids', () => {
  it('keeps 1–64 safe characters and replaces anything else', () => {
    expect(requestIdFrom('abc-123_X.y:z')).toBe('abc-123_X.y:z');
    expect(requestIdFrom(['first', 'second'])).toBe('first');
    for (const bad of [undefined, null, '', 'a b', 'x'.repeat(65), 'ä', 'a\nb', '"quoted"']) {
      const made = requestIdFrom(bad);
      expect(made).not.toBe(bad);
      expect(made).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('operation labels', () => {
  it('are the name, anonymous, or other for an odd name or one beyond the limit', () => {
    const m = createMetrics('unit');
    expect(m.operationLabel(null)).toBe('anonymous');
    expect(m.operationLabel('Wards')).toBe('Wards');
    expect(m.operationLabel('not a name')).toBe('other');
    for (let i = 1; i < MAX_OPERATIONS; i++) expect(m.operationLabel(`Op${i}`)).toBe(`Op${i}`);
    expect(m.operationLabel('OneTooMany')).toBe('other');
    expect(m.operationLabel('Wards')).toBe('Wards');
  });

  it('statements are named by their first keyword only', () => {
    expect(statementKind('select "id" from "ward" where "id" = $1')).toBe('SELECT');
    expect(statementKind('  insert into x values ($1)')).toBe('INSERT');
  });
});

describe('tracing', () => {
  it('is off unless an OTLP endpoint or exporter is asked for', () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });
});

describe('configuration', () => {
  it('reads the grace period and the tracing settings', () => {
    const c = loadGatewayConfig({ ...env, HUB_MODE: 'production' });
    expect(c.shutdownGraceSeconds).toBe(10);
    expect(c.telemetry).toEqual({});
    const t = loadGatewayConfig({
      ...env,
      HUB_SHUTDOWN_GRACE_SECONDS: '3',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_TRACES_EXPORTER: 'otlp',
    });
    expect(t.shutdownGraceSeconds).toBe(3);
    expect(t.telemetry).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'otlp' });
  });

  it('refuses a grace that is not a number of seconds, naming the variable', () => {
    for (const bad of ['soon', '-1', '601']) {
      try {
        loadGatewayConfig({ ...env, HUB_SHUTDOWN_GRACE_SECONDS: bad });
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).problems.join('\n')).toContain('HUB_SHUTDOWN_GRACE_SECONDS');
      }
    }
    expect(() => loadGatewayConfig({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT must be a URL/);
  });
});
