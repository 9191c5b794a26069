import { OtlpAttributeValue } from '../otlp/otlpValues';
import { countSpans } from './countedSpans';
import { isGenAiSpan } from './genAiSpanAttributes';
import { spanRoleOf } from './genAiSpanRoles';
import { OtlpSpan } from './otlpTraceRequest';

const TRACE = '5b8efff798038103d269b633813fc60c';
const START = 1789899302000000000n;

function span(
  n: number,
  parent: number | null,
  attributes: Record<string, OtlpAttributeValue>,
  [fromMs, toMs]: [number, number] = [0, 100],
  traceId = TRACE,
): OtlpSpan {
  return {
    traceId,
    spanId: n.toString(16).padStart(16, '0'),
    parentSpanId: parent === null ? '' : parent.toString(16).padStart(16, '0'),
    name: 'span',
    startTimeUnixNano: String(START + BigInt(fromMs) * 1_000_000n),
    endTimeUnixNano: String(START + BigInt(toMs) * 1_000_000n),
    attributes: new Map(Object.entries(attributes)),
    events: [],
    statusCode: 0,
    statusMessage: '',
    resourceAttributes: new Map(),
  };
}

/** Indices of the counted spans, with their operation. */
function counted(spans: OtlpSpan[]) {
  const roles = spans.map(s =>
    isGenAiSpan(s.attributes) ? spanRoleOf(s.attributes) : undefined,
  );
  return countSpans(spans, roles)
    .counts.map((count, index) =>
      count.counted ? `${index}:${count.operation}` : null,
    )
    .filter(Boolean);
}

const chat = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' };
const usage = { 'gen_ai.usage.input_tokens': 3, 'gen_ai.usage.output_tokens': 1 };

describe('countSpans', () => {
  it('never counts agent, step or tool spans when their calls are in the batch', () => {
    expect(
      counted([
        span(1, null, { 'gen_ai.operation.name': 'invoke_agent', ...usage }),
        span(2, 1, { 'gen_ai.operation.name': 'agent_step', ...usage }),
        span(3, 2, { ...chat, ...usage }, [10, 50]),
        span(4, 1, { 'gen_ai.operation.name': 'execute_tool', ...usage }),
      ]),
    ).toEqual(['2:chat']);
  });

  it('counts a wrapper with usage once, the innermost, when no call of its trace is in the batch', () => {
    expect(
      counted([
        span(1, null, {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.aggregated_usage.input_tokens': 9,
        }),
        span(2, 1, { 'gen_ai.operation.name': 'agent_step', ...usage }),
        // Another trace's call does not hide this trace's wrapper.
        span(3, null, { ...chat, ...usage }, [0, 100], 'a'.repeat(32)),
      ]),
    ).toEqual(['1:chat', '2:chat']);
    // A wrapper without usage is never a call.
    expect(
      counted([span(1, null, { 'gen_ai.operation.name': 'invoke_agent' })]),
    ).toEqual([]);
  });

  it('treats a call with a call of the same operation inside it as a wrapper', () => {
    const embeddings = {
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.request.model': 'e',
    };
    expect(
      counted([
        span(1, null, embeddings, [0, 100]),
        span(2, 1, { ...embeddings, 'gen_ai.usage.input_tokens': 5 }, [1, 99]),
      ]),
    ).toEqual(['1:embeddings']);
    // Outside its time (clocks differ) but the only one with usage.
    expect(
      counted([
        span(1, null, embeddings, [0, 100]),
        span(2, 1, { ...embeddings, 'gen_ai.usage.input_tokens': 5 }, [1, 101]),
      ]),
    ).toEqual(['1:embeddings']);
    // Not within its time, or another operation: both count.
    expect(
      counted([
        span(1, null, chat, [0, 100]),
        span(2, 1, chat, [1, 101]),
        span(3, 1, embeddings, [1, 99]),
      ]),
    ).toEqual(['0:chat', '1:chat', '2:embeddings']);
  });

  it('reads Vercel AI SDK legacy, OpenInference and OpenLLMetry roles', () => {
    expect(
      counted([
        span(1, null, { 'ai.operationId': 'ai.generateText', ...usage }),
        span(2, 1, {
          'ai.operationId': 'ai.generateText.doGenerate',
          'ai.model.id': 'm',
        }),
        span(3, 1, { 'ai.operationId': 'ai.toolCall' }),
        span(4, null, { 'openinference.span.kind': 'CHAIN', ...usage }),
        span(5, 4, { 'openinference.span.kind': 'EMBEDDING' }),
        span(6, 4, { 'openinference.span.kind': 'TOOL' }),
        span(7, 4, { 'traceloop.span.kind': 'workflow' }),
      ]),
    ).toEqual(['1:chat', '4:embeddings']);
  });

  it('terminates on parent cycles and long chains', () => {
    const cycle = [
      span(1, 2, { 'gen_ai.operation.name': 'invoke_agent', ...usage }),
      span(2, 1, { 'gen_ai.operation.name': 'invoke_agent', ...usage }),
      span(3, 1, chat),
    ];
    expect(counted(cycle)).toEqual(['2:chat']);
    const chain = Array.from({ length: 20_000 }, (_, i) =>
      span(i + 1, i === 0 ? null : i, { 'gen_ai.operation.name': 'agent_step' }),
    );
    chain.push(span(20_001, 20_000, chat));
    expect(counted(chain)).toEqual(['20000:chat']);
  });
});
