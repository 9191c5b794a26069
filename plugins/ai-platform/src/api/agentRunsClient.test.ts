import { AiPlatformClient } from './AiPlatformClient';
import {
  supportTriageAgentRuns,
  ticketingToolAgents,
} from '../__testUtils__/agentRunFixtures';

function clientAnswering(status: number, body: unknown) {
  const text = JSON.stringify(body);
  const fetch = jest.fn(
    async (_url: string) =>
      ({
        ok: status >= 200 && status < 300,
        status,
        statusText: status === 400 ? 'Bad Request' : 'OK',
        url: 'http://localhost:7007/api/ai-platform',
        headers: new Headers({ 'content-type': 'application/json' }),
        json: async () => JSON.parse(text),
        text: async () => text,
      } as unknown as Response),
  );
  const client = new AiPlatformClient({
    discoveryApi: {
      getBaseUrl: async () => 'http://localhost:7007/api/ai-platform',
    },
    fetchApi: { fetch: fetch as any },
  });
  return { client, fetch };
}

describe('AiPlatformClient agent runs', () => {
  it("reads an Agent's runs from /agent-runs/by-entity", async () => {
    const { client, fetch } = clientAnswering(200, supportTriageAgentRuns);
    await expect(
      client.getAgentRuns({
        kind: 'Agent',
        namespace: 'default',
        name: 'Support-Triage-Agent',
      }),
    ).resolves.toEqual(supportTriageAgentRuns);
    expect(fetch).toHaveBeenCalledWith(
      'http://localhost:7007/api/ai-platform/agent-runs/by-entity/agent/default/support-triage-agent',
    );
  });

  it("reads the agents calling an API's tools, and rejects with the backend's message", async () => {
    const { client, fetch } = clientAnswering(200, ticketingToolAgents);
    await client.getToolAgents({
      kind: 'API',
      namespace: 'default',
      name: 'ticketing-mcp',
    });
    expect(fetch).toHaveBeenCalledWith(
      'http://localhost:7007/api/ai-platform/tools/by-entity/api/default/ticketing-mcp',
    );
    const failing = clientAnswering(400, {
      error: {
        name: 'InputError',
        message:
          "Annotation 'aiplatform.io/tools' of api:default/x: 'a b' is not a tool name",
      },
      response: { statusCode: 400 },
    });
    await expect(
      failing.client.getToolAgents({
        kind: 'API',
        namespace: 'default',
        name: 'x',
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      body: {
        error: { message: expect.stringContaining("'a b' is not a tool name") },
      },
    });
  });
});
