import { mockServices } from '@backstage/backend-test-utils';
import { readPrometheusTelemetryConfig } from './prometheusTelemetryConfig';

/** A JSON object, as config data is. */
type JsonObject = NonNullable<
  NonNullable<Parameters<typeof mockServices.rootConfig>[0]>['data']
>;

const read = (prometheus: JsonObject) =>
  readPrometheusTelemetryConfig(
    mockServices.rootConfig({
      data: { aiPlatform: { telemetry: { prometheus } } },
    }),
  );

describe('readPrometheusTelemetryConfig', () => {
  it('is undefined without the section', () => {
    expect(
      readPrometheusTelemetryConfig(mockServices.rootConfig({ data: {} })),
    ).toBeUndefined();
  });

  it('reads the global server and clusters, inheriting the global settings', () => {
    const config = read({
      url: 'https://thanos.example.com',
      headers: { Authorization: 'Bearer t' },
      timeoutMs: 1000,
      clusters: [
        { name: 'gpu-eu-west-1', selector: 'cluster="gpu-eu-west-1"' },
        { name: 'gpu-us-east-1', url: 'http://prom-us:9090', stepSeconds: 30 },
      ],
    })!;
    expect(config.global).toEqual({
      url: 'https://thanos.example.com',
      headers: { Authorization: 'Bearer t' },
      timeoutMs: 1000,
      stepSeconds: 15,
    });
    expect(config.default).toBe(false);
    expect(config.clusters.get('gpu-eu-west-1')).toMatchObject({
      url: 'https://thanos.example.com',
      headers: { Authorization: 'Bearer t' },
      selector: [{ name: 'cluster', operator: '=', value: 'gpu-eu-west-1' }],
    });
    // Another server does not get the global credentials.
    expect(config.clusters.get('gpu-us-east-1')).toMatchObject({
      url: 'http://prom-us:9090',
      headers: {},
      timeoutMs: 1000,
      stepSeconds: 30,
    });
  });

  it.each([
    [
      { url: 'ftp://x' },
      /'aiPlatform.telemetry.prometheus.url': expected an http\(s\) URL/,
    ],
    [
      { url: 'http://p', timeoutMs: 0 },
      /timeoutMs': expected a positive number of milliseconds/,
    ],
    [{ default: true }, /'default: true' needs/],
    [
      { clusters: [{ name: 'a' }] },
      /clusters\[0\].url': expected the cluster's Prometheus URL/,
    ],
    [
      { url: 'http://p', clusters: [{ name: 'a', selector: 'up' }] },
      /clusters\[0\].selector': expected a label-matcher list/,
    ],
    [
      { url: 'http://p', headers: { 'bad header': 'x' } },
      /is not an HTTP header name/,
    ],
  ])('rejects %j', (prometheus, error) => {
    expect(() => read(prometheus)).toThrow(error);
  });
});
