import { mapLiteLlmPayloads } from './mapLiteLlmPayloads';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const NOW_S = Date.now() / 1000;

function payload(overrides: Record<string, unknown>) {
  return {
    id: 'chatcmpl-1',
    call_type: 'acompletion',
    model_group: 'llama-chat',
    prompt_tokens: 10,
    completion_tokens: 2,
    startTime: NOW_S - 60,
    endTime: NOW_S - 59,
    ...overrides,
  };
}

function traceIdOf(overrides: Record<string, unknown>) {
  const { events, rejected } = mapLiteLlmPayloads([payload(overrides)]);
  expect(rejected).toEqual([]);
  return events[0].traceId;
}

describe('mapLiteLlmPayloads: the caller trace', () => {
  it.each([
    [
      'a traceparent among the requester custom headers, any case',
      {
        metadata: {
          requester_custom_headers: {
            TraceParent: `00-${TRACE.toUpperCase()}-00f067aa0ba902b7-01`,
          },
        },
      },
    ],
    [
      'a traceparent in the proxy request headers',
      {
        proxy_server_request: {
          headers: { traceparent: `00-${TRACE}-00f067aa0ba902b7-00` },
        },
      },
    ],
    ['metadata.trace_id', { metadata: { trace_id: TRACE } }],
    [
      'requester_metadata.trace_id',
      { metadata: { requester_metadata: { trace_id: TRACE } } },
    ],
    ["LiteLLM's trace_id when it is a W3C trace id", { trace_id: TRACE }],
  ])('reads %s', (_, overrides) => {
    expect(traceIdOf(overrides)).toBe(TRACE);
  });

  it('prefers the propagated traceparent over LiteLLM’s own trace_id', () => {
    expect(
      traceIdOf({
        trace_id: '0af7651916cd43dd8448eb211c80319c',
        metadata: {
          requester_custom_headers: {
            traceparent: `00-${TRACE}-00f067aa0ba902b7-01`,
          },
        },
      }),
    ).toBe(TRACE);
  });

  it.each([
    [
      "LiteLLM's default UUID trace_id",
      { trace_id: '3f2c9e0a-8f5e-4a7d-9c1b-2d4e6f8a0b1c' },
    ],
    ['an all-zero trace id', { metadata: { trace_id: '0'.repeat(32) } }],
    [
      'a malformed traceparent',
      {
        metadata: { requester_custom_headers: { traceparent: 'not-a-trace' } },
      },
    ],
    [
      'traceparent version ff',
      {
        metadata: {
          requester_custom_headers: {
            traceparent: `ff-${TRACE}-00f067aa0ba902b7-01`,
          },
        },
      },
    ],
    ['no trace at all', {}],
  ])('keeps no trace for %s, and still stores the call', (_, overrides) => {
    expect(traceIdOf(overrides)).toBeNull();
  });
});
