import { DEFAULT_INGEST_LIMITS, IngestLimits } from './ingestLimits';
import { mapGenAiSpans } from './mapGenAiSpans';
import { OtlpAttributeValue } from '../otlp/otlpValues';
import { OtlpSpan } from './otlpTraceRequest';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const START_NANOS = 1789899302000000000n;

/** The spans' own time as now, so they are inside the plausibility window. */
const LIMITS: IngestLimits = {
  ...DEFAULT_INGEST_LIMITS,
  now: () => Number(START_NANOS / 1_000_000n),
};
const mapSpans = (spans: OtlpSpan[]) => mapGenAiSpans(spans, LIMITS);

function span(
  spanId: string,
  attributes: Record<string, OtlpAttributeValue>,
  overrides: Partial<OtlpSpan> = {},
): OtlpSpan {
  return {
    traceId: TRACE_ID,
    spanId,
    parentSpanId: '',
    name: 'span',
    startTimeUnixNano: String(START_NANOS),
    endTimeUnixNano: String(START_NANOS + 2_000_000_000n),
    attributes: new Map(Object.entries(attributes)),
    events: [],
    statusCode: 0,
    statusMessage: '',
    resourceAttributes: new Map(),
    ...overrides,
  };
}

describe('mapGenAiSpans', () => {
  it('reads the older gen_ai.system / prompt_tokens names (LiteLLM otel callback)', () => {
    const { events, rejected } = mapSpans([
      span('0000000000000001', {
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.prompt_tokens': 12,
        'gen_ai.usage.completion_tokens': 3,
        'llm.is_streaming': false,
      }),
    ]);
    expect(rejected).toEqual([]);
    expect(events).toEqual([
      expect.objectContaining({
        sourceEventId: `${TRACE_ID}0000000000000001`,
        operation: 'chat',
        provider: 'openai',
        joinKey: 'gpt-4o-mini',
        inputTokens: 12,
        outputTokens: 3,
        streamed: false,
        ttftMs: null,
        latencyMs: 2000,
      }),
    ]);
  });

  it('reads OpenInference names (Envoy AI Gateway default)', () => {
    const { events } = mapSpans([
      span('0000000000000002', {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'llama-chat',
        'llm.system': 'openai',
        'llm.token_count.prompt': '40',
        'llm.token_count.completion': 8,
      }),
    ]);
    expect(events).toEqual([
      expect.objectContaining({
        operation: 'chat',
        joinKey: 'llama-chat',
        provider: 'openai',
        inputTokens: 40,
        outputTokens: 8,
      }),
    ]);
  });

  it('keeps no TTFT when the call says it did not stream', () => {
    const { events } = mapSpans([
      span('0000000000000003', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'm',
        'gen_ai.request.stream': false,
        'gen_ai.response.time_to_first_chunk': 0.5,
      }),
    ]);
    expect(events[0]).toMatchObject({ streamed: false, ttftMs: null });
  });

  it('takes TTFT from a first-chunk span event', () => {
    const { events } = mapSpans([
      span(
        '0000000000000004',
        {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'm',
          'gen_ai.request.stream': true,
        },
        {
          events: [
            {
              name: 'gen_ai.server.time_to_first_token',
              timeUnixNano: String(START_NANOS + 250_000_000n),
              attributes: new Map(),
            },
          ],
        },
      ),
    ]);
    expect(events[0]).toMatchObject({ streamed: true, ttftMs: 250 });
  });

  it('marks errors from the span status and error.type', () => {
    const { events } = mapSpans([
      span(
        '0000000000000005',
        { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' },
        { statusCode: 2, statusMessage: 'upstream 500' },
      ),
      span('0000000000000006', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'm',
        'error.type': 'timeout',
      }),
    ]);
    expect(events.map(e => [e.status, e.errorType])).toEqual([
      ['error', 'upstream 500'],
      ['error', 'timeout'],
    ]);
  });

  it('rejects GenAI spans with bad values, naming the attribute', () => {
    const { events, rejected } = mapSpans([
      span('0000000000000007', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'm',
        'gen_ai.usage.input_tokens': -1,
      }),
      span(
        '0000000000000008',
        { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' },
        { startTimeUnixNano: '' },
      ),
      span('', {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'm',
      }),
    ]);
    expect(events).toEqual([]);
    expect(rejected).toEqual([
      {
        index: 0,
        message:
          "span 0000000000000007 ('span'): attribute 'gen_ai.usage.input_tokens' must be a non-negative integer, got -1",
      },
      {
        index: 1,
        message: expect.stringContaining(
          "'startTimeUnixNano' must be a positive integer of nanoseconds",
        ),
      },
      {
        index: 2,
        message: expect.stringContaining(
          "'spanId' must be 8 bytes (16 hex characters)",
        ),
      },
    ]);
  });

  it('ignores tool and agent spans and inherits the agent across several levels', () => {
    const { events, ignoredSpans } = mapSpans([
      span('00000000000000a1', {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'planner',
      }),
      span(
        '00000000000000a2',
        { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'x' },
        { parentSpanId: '00000000000000a1' },
      ),
      span(
        '00000000000000a3',
        { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' },
        { parentSpanId: '00000000000000a2' },
      ),
    ]);
    expect(ignoredSpans).toBe(2);
    expect(events).toEqual([
      expect.objectContaining({ agentJoinKeyCandidates: ['planner'] }),
    ]);
  });
});
