/**
 * DEMO DATA: MCP tool calls of the demo agents as OpenTelemetry
 * `execute_tool` spans (OTel GenAI semantic conventions), children of the
 * agent turn's `invoke_agent` span. No tool server is contacted: each call
 * only takes its demo duration, and every n-th call of a tool fails.
 */
import { SpanKind, SpanStatusCode, Tracer } from '@opentelemetry/api';
import { DemoTool, seededRandom } from './demoProfiles';

/** Outcome of one demo tool call. */
export interface DemoToolCallResult {
  tool: string;
  ok: boolean;
  errorType?: string;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Makes the demo tool calls of agent turns, counting calls per tool. */
export class DemoToolCaller {
  private readonly random = seededRandom(7);
  private readonly callsByTool = new Map<string, number>();
  private sequence = 0;
  readonly results: DemoToolCallResult[] = [];

  constructor(
    private readonly tracer: Tracer,
    private readonly runTag: string,
  ) {}

  /**
   * Calls `tools` one after the other, each as an `execute_tool` span below
   * the active span (the agent turn). Resolves to the failed calls.
   */
  async callAll(tools: DemoTool[]): Promise<DemoToolCallResult[]> {
    const failed: DemoToolCallResult[] = [];
    for (const tool of tools) {
      const result = await this.call(tool);
      if (!result.ok) failed.push(result);
    }
    return failed;
  }

  private async call(tool: DemoTool): Promise<DemoToolCallResult> {
    const n = (this.callsByTool.get(tool.name) ?? 0) + 1;
    this.callsByTool.set(tool.name, n);
    const fails = tool.failEveryNthCall > 0 && n % tool.failEveryNthCall === 0;
    const span = this.tracer.startSpan(`execute_tool ${tool.name}`, {
      kind: SpanKind.INTERNAL,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': tool.name,
        'gen_ai.tool.call.id': `call_demo_${this.runTag}_${this.sequence++}`,
        'gen_ai.tool.type': 'extension',
        'demo.data': true,
      },
    });
    const { min, max } = tool.durationMs;
    await sleep(min + this.random() * (max - min));
    const result: DemoToolCallResult = { tool: tool.name, ok: !fails };
    if (fails) {
      const errorType = tool.errorType ?? 'ToolError';
      result.errorType = errorType;
      span.setAttribute('error.type', errorType);
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: `${tool.name} failed: ${errorType} (demo)`,
      });
    }
    span.end();
    this.results.push(result);
    return result;
  }
}
