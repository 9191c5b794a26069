import { test, expect } from '@playwright/test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { backendUrl } from './telemetryEntity';

// An MCP client (the official TypeScript SDK, as Claude Code and Cursor speak it) asks the
// running portal the README's question through the AI platform's tools, with the static
// MCP token of app-config.yaml, on the demo data.
const mcpToken = process.env.MCP_TOKEN ?? 'dev-mcp-token-change-me';

async function connect() {
  const client = new Client({ name: 'ai-platform-e2e', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(
      new URL(`${backendUrl}/api/mcp-actions/v1`),
      { requestInit: { headers: { Authorization: `Bearer ${mcpToken}` } } },
    ),
  );
  return client;
}

test('an MCP client finds the approved endpoint that can process confidential data under 800 ms p95', async () => {
  test.setTimeout(300_000);
  const client = await connect();
  try {
    const { tools } = await client.listTools();
    expect(tools.map(tool => tool.name)).toEqual(
      expect.arrayContaining([
        'ai-platform.list-model-endpoints',
        'ai-platform.get-ai-scorecard',
        'ai-platform.plan-model-endpoint',
        'ai-platform.list-failing-ai-checks',
        'ai-platform.get-ai-usage',
      ]),
    );

    const ask = async () => {
      const result = await client.callTool({
        name: 'ai-platform.list-model-endpoints',
        arguments: {
          approvedOnly: true,
          mayProcess: 'confidential',
          maxTtftP95Ms: 800,
          type: 'chat',
        },
      });
      expect(result.isError).toBeFalsy();
      return result.structuredContent as {
        items: Array<Record<string, any>>;
        excluded: Array<{ entityRef: string; reason: string }>;
      };
    };
    // The demo traffic evaluates the scorecards when it has sent its calls.
    await expect
      .poll(async () => (await ask()).items.map(item => item.name), {
        timeout: 240_000,
        intervals: [5_000],
      })
      .toContain('llama-3-1-8b-instruct');

    const answer = await ask();
    for (const item of answer.items) {
      expect(item.approved).toBe(true);
      expect(['confidential', 'restricted']).toContain(item.dataClassification);
      expect(item.ttftP95Ms).toBeLessThanOrEqual(800);
    }
    const llama = answer.items.find(i => i.name === 'llama-3-1-8b-instruct')!;
    expect(llama.gatewayAlias).toBe('llama-3.1-8b');
    const mistral = answer.excluded.find(
      e => e.entityRef === 'modelendpoint:default/mistral-7b-instruct',
    );
    expect(mistral?.reason).toMatch(/lifecycle is experimental/);
    test.info().annotations.push({
      type: 'MCP answer',
      description: answer.items
        .map(i => `${i.name} (${i.gatewayAlias}, TTFT p95 ${i.ttftP95Ms} ms)`)
        .join(', '),
    });

    const scorecard = await client.callTool({
      name: 'ai-platform.get-ai-scorecard',
      arguments: { entityRef: 'mistral-7b-instruct' },
    });
    const checks = (scorecard.structuredContent as any).checks as Array<{
      checkId: string;
      status: string;
    }>;
    expect(checks.find(c => c.checkId === 'ttft-p95')?.status).toBe('fail');
  } finally {
    await client.close();
  }
});
