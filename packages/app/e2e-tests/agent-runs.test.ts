import { test, expect, APIRequestContext } from '@playwright/test';
// The page's own formatters, so API numbers are formatted exactly as shown.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  formatCount,
  formatPercent,
} from '../../../plugins/ai-platform/src/components/EntityScorecard/scorecardDisplay';
import { backendUrl, guestToken, ingestToken } from './telemetryEntity';

// Posts agent runs with tool calls through the real OTLP route (as an
// application's OTel SDK exports them: invoke_agent with chat and
// execute_tool children) and checks the Agent's "Runs and tools" panel and
// the tool API's "Agents calling this tool" card against the backend API.

const screenshotDir = '.artifacts/e2e-screenshots';
// examples/: Agent support-triage-agent (gateway agentId support-triage) and
// API zendesk-mcp, which serves search_tickets (aiplatform.io/tools).
const AGENT_ID = 'support-triage';
const AGENT_PATH = 'agent/default/support-triage-agent';
const TOOL = 'search_tickets';

function hex(length: number): string {
  let out = '';
  while (out.length < length) {
    out += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  }
  return out.slice(0, length);
}

const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;
const str = (key: string, value: string) => ({
  key,
  value: { stringValue: value },
});
const int = (key: string, value: number) => ({
  key,
  value: { intValue: String(value) },
});

/** One run: agent span, a chat call and a tool call (failing when asked). */
function run(options: { startMs: number; failing: boolean; tool: string }) {
  const traceId = hex(32);
  const agentSpan = hex(16);
  const { startMs, failing } = options;
  const spans = [
    {
      traceId,
      spanId: agentSpan,
      name: `invoke_agent ${AGENT_ID}`,
      kind: 1,
      startTimeUnixNano: nanos(startMs),
      endTimeUnixNano: nanos(startMs + 3_000),
      attributes: [
        str('gen_ai.operation.name', 'invoke_agent'),
        str('gen_ai.agent.id', AGENT_ID),
        str('gen_ai.agent.name', 'Support triage agent'),
        ...(failing ? [str('error.type', 'ToolError')] : []),
      ],
      status: failing ? { code: 2, message: 'tool failed' } : { code: 1 },
    },
    {
      traceId,
      spanId: hex(16),
      parentSpanId: agentSpan,
      name: 'chat claude-sonnet',
      kind: 3,
      startTimeUnixNano: nanos(startMs + 100),
      endTimeUnixNano: nanos(startMs + 1_100),
      attributes: [
        str('gen_ai.operation.name', 'chat'),
        str('gen_ai.provider.name', 'anthropic'),
        str('gen_ai.request.model', 'claude-sonnet'),
        int('gen_ai.usage.input_tokens', 800),
        int('gen_ai.usage.output_tokens', 120),
      ],
      status: { code: 1 },
    },
    {
      traceId,
      spanId: hex(16),
      parentSpanId: agentSpan,
      name: `execute_tool ${options.tool}`,
      kind: 1,
      startTimeUnixNano: nanos(startMs + 1_200),
      endTimeUnixNano: nanos(startMs + 1_500),
      attributes: [
        str('gen_ai.operation.name', 'execute_tool'),
        str('gen_ai.tool.name', options.tool),
        str('gen_ai.tool.call.id', `call_${hex(8)}`),
        ...(failing ? [str('error.type', 'TimeoutError')] : []),
      ],
      status: failing ? { code: 2 } : { code: 1 },
    },
  ];
  return { traceId, spans };
}

async function getJson<T>(
  request: APIRequestContext,
  token: string,
  path: string,
): Promise<T> {
  const response = await request.get(`${backendUrl}/api/ai-platform${path}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const body = await response.text();
  expect(response.status(), `GET ${path}: ${body}`).toBe(200);
  return JSON.parse(body) as T;
}

interface AgentRunsResponse {
  runs: number;
  failedRuns: number;
  successRatePercent: number | null;
  tools: Array<{
    toolName: string;
    calls: number;
    apiEntityRef: string | null;
  }>;
  latestFailingRuns: Array<{ traceId: string }>;
}

test('agent runs and tool calls posted over OTLP show in the runs panel and the tool card', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const token = await guestToken(request);
  // A tool name of this run only: no API declares it, so it is listed as
  // "not in the catalog" with exactly the calls sent here.
  const probeTool = `e2e_probe_${hex(6)}`;
  const now = Date.now();
  const runs = [
    run({ startMs: now - 60_000, failing: false, tool: TOOL }),
    run({ startMs: now - 50_000, failing: false, tool: probeTool }),
    run({ startMs: now - 40_000, failing: false, tool: probeTool }),
    // A failing run: its trace is the probe tool's latest failing trace.
    run({ startMs: now - 5_000, failing: true, tool: probeTool }),
  ];
  const malformed = {
    traceId: hex(32),
    spanId: hex(16),
    name: 'execute_tool orphan',
    kind: 1,
    startTimeUnixNano: nanos(now - 1_000),
    endTimeUnixNano: nanos(now - 900),
    attributes: [
      str('gen_ai.operation.name', 'execute_tool'),
      str('gen_ai.tool.name', probeTool),
    ],
  };
  const response = await request.post(
    `${backendUrl}/api/ai-platform/v1/traces`,
    {
      headers: { Authorization: `Bearer ${ingestToken}` },
      data: {
        resourceSpans: [
          {
            resource: { attributes: [str('service.name', 'e2e-agent-runs')] },
            scopeSpans: [
              {
                scope: { name: 'e2e' },
                spans: [...runs.flatMap(r => r.spans), malformed],
              },
            ],
          },
        ],
      },
    },
  );
  const body = await response.json();
  expect(response.status(), JSON.stringify(body)).toBe(200);
  // The tool call without a parent or agent is refused with its reason.
  expect(body.partialSuccess.rejectedSpans).toBe('1');
  expect(body.partialSuccess.errorMessage).toContain(
    'has no parent span and names no agent',
  );

  const agentRuns = await getJson<AgentRunsResponse>(
    request,
    token,
    `/agent-runs/by-entity/${AGENT_PATH}`,
  );
  const failingTrace = runs[3].traceId;
  // Demo traffic may fail runs after ours: it is among the latest ten.
  expect(agentRuns.latestFailingRuns.map(r => r.traceId)).toContain(
    failingTrace,
  );
  const probe = agentRuns.tools.find(tool => tool.toolName === probeTool)!;
  expect(probe).toMatchObject({ calls: 3, apiEntityRef: null });

  // The agent checks come with the next scorecard evaluation.
  await expect
    .poll(
      async () =>
        (
          await getJson<{ checks: Array<{ checkId: string }> }>(
            request,
            token,
            `/scorecards/by-entity/${AGENT_PATH}`,
          )
        ).checks.some(check => check.checkId.startsWith('agent-')),
      { timeout: 150_000, intervals: [3_000] },
    )
    .toBe(true);

  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  // Signed in once the sidebar shows: navigating before that reloads the
  // sign-in page (seen in CI on a cold portal).
  await expect(
    page.getByRole('navigation', { name: 'sidebar nav' }).getByRole('link', {
      name: 'Catalog',
      exact: true,
    }),
  ).toBeVisible({ timeout: 30_000 });
  await page.goto(`/catalog/default/agent/support-triage-agent/scorecard`);
  const panel = page.getByRole('region', { name: 'Runs and tools panel' });
  await expect(panel).toBeVisible({ timeout: 60_000 });
  await expect(
    panel.getByRole('group', { name: 'Run success rate', exact: true }),
  ).toBeVisible();

  // Demo traffic may add runs in between: compare with the API after render.
  await expect(async () => {
    await page.reload();
    const latest = await getJson<AgentRunsResponse>(
      request,
      token,
      `/agent-runs/by-entity/${AGENT_PATH}`,
    );
    await expect(
      panel.getByRole('group', { name: 'Runs', exact: true }),
    ).toContainText(formatCount(latest.runs), { timeout: 5_000 });
    await expect(
      panel.getByRole('group', { name: 'Success rate', exact: true }),
    ).toContainText(formatPercent(latest.successRatePercent!), {
      timeout: 1_000,
    });
  }).toPass({ timeout: 60_000 });

  const tools = panel.getByRole('table', { name: 'Tools' });
  const probeRow = tools.getByRole('row').filter({ hasText: probeTool });
  await expect(probeRow).toContainText('not in the catalog');
  await expect(probeRow).toContainText('3');
  await expect(probeRow).toContainText(formatPercent(100 / 3));
  await expect(probeRow).toContainText(failingTrace.slice(0, 12));
  const zendeskRow = tools.getByRole('row').filter({ hasText: TOOL });
  await expect(
    zendeskRow.getByRole('link', { name: /zendesk/i }),
  ).toBeVisible();
  await expect(
    panel.getByRole('list', { name: 'Latest failing runs' }),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/agent-runs-panel-1280.png`,
    fullPage: true,
  });

  // The tool's API entity: the agents calling its tools.
  await page.goto('/catalog/default/api/zendesk-mcp');
  const card = page.getByRole('table', { name: 'Agents calling this tool' });
  await expect(card).toBeVisible({ timeout: 60_000 });
  const agentRow = card
    .getByRole('row')
    .filter({ hasText: TOOL })
    .filter({ has: page.getByRole('link', { name: /support.triage/i }) });
  await expect(agentRow).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/agent-runs-tool-card-1280.png`,
    fullPage: true,
  });
});
