import { checkTraceLinkTemplate, traceLinkOf } from './AgentRunsReadService';

describe('trace links', () => {
  it('puts the trace id into the template, every occurrence', () => {
    expect(
      traceLinkOf(
        'https://grafana.example.com/explore?trace={traceId}&q={traceId}',
        '4bf92f3577b34da6a3ce929d0e0e4736',
      ),
    ).toBe(
      'https://grafana.example.com/explore?trace=4bf92f3577b34da6a3ce929d0e0e4736&q=4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(traceLinkOf(undefined, '4bf9')).toBeNull();
    expect(traceLinkOf('https://x/{traceId}', null)).toBeNull();
  });

  it('refuses a template without {traceId} or not http(s), naming the key', () => {
    expect(() =>
      checkTraceLinkTemplate('https://jaeger.example.com/trace/{traceId}'),
    ).not.toThrow();
    expect(() => checkTraceLinkTemplate(undefined)).not.toThrow();
    expect(() =>
      checkTraceLinkTemplate('https://jaeger.example.com/trace/'),
    ).toThrow(
      "Invalid config 'aiPlatform.telemetry.traceLinks': expected an http(s) URL template containing {traceId}",
    );
    expect(() => checkTraceLinkTemplate('ftp://files.example.com/{traceId}')).toThrow(
      'aiPlatform.telemetry.traceLinks',
    );
  });
});
