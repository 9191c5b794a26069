import { OtlpAttributeValue } from '../otlp/otlpValues';
import { DEFAULT_INGEST_LIMITS } from '../ingest/ingestLimits';
import { OtlpSpan } from '../ingest/otlpTraceRequest';
import { extractAgentSpans } from './extractAgentSpans';
import { ModelCallUsage } from './types';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const START_MS = Date.now() - 60_000;
const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;
const id = (n: number) => n.toString(16).padStart(16, '0');

function span(
  n: number,
  parent: number | null,
  name: string,
  attributes: Record<string, OtlpAttributeValue>,
  options: { durationMs?: number; statusCode?: number } = {},
): OtlpSpan {
  return {
    traceId: TRACE,
    spanId: id(n),
    parentSpanId: parent === null ? '' : id(parent),
    name,
    startTimeUnixNano: nanos(START_MS + n),
    endTimeUnixNano: nanos(START_MS + n + (options.durationMs ?? 100)),
    attributes: new Map(Object.entries(attributes)),
    events: [],
    statusCode: options.statusCode ?? 0,
    statusMessage: '',
    resourceAttributes: new Map(),
  };
}

const usage = (
  entries: Array<[number, ModelCallUsage]>,
): Map<string, ModelCallUsage> =>
  new Map(entries.map(([n, value]) => [`${TRACE}${id(n)}`, value]));

describe('extractAgentSpans', () => {
  it('reads OpenInference AGENT / TOOL spans, naming the agent by its span name', () => {
    const spans = [
      span(1, null, 'support-agent', { 'openinference.span.kind': 'AGENT' }),
      span(2, 1, 'ChatCompletion', {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4o-mini',
      }),
      span(
        3,
        1,
        'search_tickets',
        {
          'openinference.span.kind': 'TOOL',
          'tool.name': 'search_tickets',
          'tool_call.id': 'call_abc',
        },
        { statusCode: 2 },
      ),
    ];
    const result = extractAgentSpans(
      spans,
      usage([[2, { inputTokens: 10, outputTokens: 5, costUsd: 0.25 }]]),
    );
    expect(result.rejected).toEqual([]);
    expect(result.runs).toEqual([
      expect.objectContaining({
        spanId: id(1),
        agentJoinKeyCandidates: ['support-agent'],
        modelCalls: 1,
        inputTokens: 10,
        outputTokens: 5,
        costUsd: 0.25,
        status: 'ok',
      }),
    ]);
    expect(result.toolCalls).toEqual([
      expect.objectContaining({
        toolName: 'search_tickets',
        toolCallId: 'call_abc',
        runSpanId: id(1),
        agentJoinKeyCandidates: ['support-agent'],
        status: 'error',
        errorType: 'error',
      }),
    ]);
  });

  it('reads Vercel AI SDK ai.toolCall spans below an invoke_agent span', () => {
    const spans = [
      span(1, null, 'invoke_agent', {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'checkout',
      }),
      span(2, 1, 'ai.generateText', { 'ai.operationId': 'ai.generateText' }),
      span(3, 2, 'ai.toolCall', {
        'ai.operationId': 'ai.toolCall',
        'ai.toolCall.name': 'refund_order',
        'ai.toolCall.id': 'call_1',
      }),
    ];
    const result = extractAgentSpans(spans, new Map());
    expect(result.toolCalls).toEqual([
      expect.objectContaining({
        toolName: 'refund_order',
        toolCallId: 'call_1',
        runSpanId: id(1),
        agentJoinKeyCandidates: ['checkout'],
      }),
    ]);
  });

  it("counts a sub-agent's model calls on the sub-agent's run only", () => {
    const spans = [
      span(1, null, 'invoke_agent planner', {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.id': 'planner',
      }),
      span(2, 1, 'chat', { 'gen_ai.operation.name': 'chat' }),
      span(3, 1, 'invoke_agent researcher', {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.id': 'researcher',
      }),
      span(4, 3, 'chat', { 'gen_ai.operation.name': 'chat' }),
      span(5, 3, 'chat', { 'gen_ai.operation.name': 'chat' }),
    ];
    const one = { inputTokens: 1, outputTokens: 1, costUsd: 1 };
    const result = extractAgentSpans(
      spans,
      usage([
        [2, one],
        [4, one],
        [5, one],
      ]),
    );
    expect(
      result.runs.map(run => [run.agentJoinKeyCandidates[0], run.modelCalls]),
    ).toEqual([
      ['planner', 1],
      ['researcher', 2],
    ]);
    expect(result.runs[1].parentSpanId).toBe(id(1));
  });

  it('survives a parent cycle and keeps a tool call whose run is in another batch', () => {
    const a = span(1, 2, 'step', {});
    const b = span(2, 1, 'step', {});
    const tool = span(3, 1, 'execute_tool', {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'search',
    });
    const orphanInBatch = span(4, 99, 'execute_tool', {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'search',
    });
    const result = extractAgentSpans([a, b, tool, orphanInBatch], new Map());
    expect(result.rejected).toEqual([]);
    expect(
      result.toolCalls.map(call => [call.runSpanId, call.agentJoinKeyCandidates]),
    ).toEqual([
      [null, []],
      [null, []],
    ]);
  });

  it('rejects malformed agent and tool spans one by one with the reason', () => {
    const good = span(1, null, 'invoke_agent', {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'a',
    });
    const badIds = { ...good, spanId: '00' };
    const backwards = {
      ...span(2, null, 'invoke_agent', {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.id': 'a',
      }),
      endTimeUnixNano: nanos(START_MS - 1000),
    };
    const longName = span(3, 1, 'execute_tool', {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'x'.repeat(300),
    });
    const result = extractAgentSpans(
      [good, badIds, backwards, longName],
      new Map(),
    );
    expect(result.runs).toHaveLength(1);
    expect(result.rejected.map(item => item.index)).toEqual([1, 2, 3]);
    expect(result.rejected[0].message).toContain("'spanId' must be 8 bytes");
    expect(result.rejected[1].message).toContain(
      "'endTimeUnixNano' is before 'startTimeUnixNano'",
    );
    expect(result.rejected[2].message).toContain("'gen_ai.tool.name'");
  });

  it('leaves spans beyond maxSpansPerRequest alone (the model-call mapping rejects them)', () => {
    const spans = [1, 2, 3].map(n =>
      span(n, null, 'invoke_agent', {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.id': 'a',
      }),
    );
    const result = extractAgentSpans(spans, new Map(), {
      ...DEFAULT_INGEST_LIMITS,
      maxSpansPerRequest: 2,
    });
    expect(result.runs).toHaveLength(2);
    expect(result.rejected).toEqual([]);
  });
});
