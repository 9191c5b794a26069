import { ResponseError } from '@backstage/errors';
import { AiPlatformClient, isPermissionDeniedError } from './AiPlatformClient';

function jsonResponse(status: number, body: unknown) {
  const text = JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: status === 403 ? 'Forbidden' : 'OK',
    url: 'http://localhost:7007/api/ai-platform',
    headers: new Headers({ 'content-type': 'application/json' }),
    json: async () => JSON.parse(text),
    text: async () => text,
  } as unknown as Response;
}

function createClient(response: Response) {
  const fetch = jest.fn(async (_url: string) => response);
  const getBaseUrl = jest.fn(
    async (_pluginId: string) => 'http://localhost:7007/api/ai-platform',
  );
  const client = new AiPlatformClient({
    discoveryApi: { getBaseUrl },
    fetchApi: { fetch: fetch as any },
  });
  return { client, fetch, getBaseUrl };
}

const agentRef = {
  kind: 'Agent',
  namespace: 'default',
  name: 'checkout-agent',
};

describe('AiPlatformClient', () => {
  it('reads the scorecard of an entity from the ai-platform backend', async () => {
    const scorecard = {
      entityRef: 'agent:default/checkout-agent',
      level: 'silver',
      evaluatedAt: '2026-11-23T10:00:00.000Z',
      checks: [],
      history: [],
    };
    const { client, fetch, getBaseUrl } = createClient(
      jsonResponse(200, scorecard),
    );

    await expect(client.getEntityScorecard(agentRef)).resolves.toEqual(
      scorecard,
    );
    expect(getBaseUrl).toHaveBeenCalledWith('ai-platform');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0][0]).toBe(
      'http://localhost:7007/api/ai-platform/scorecards/by-entity/agent/default/checkout-agent',
    );
  });

  it('sends the owner and the time series query as query parameters', async () => {
    const { client, fetch } = createClient(jsonResponse(200, {}));

    await client.getOwnerScorecards('group:default/team a');
    await client.getEntityTimeseries(agentRef, {
      metric: 'ttft_p95_ms',
      window: '30d',
      step: '1d',
    });

    expect(fetch.mock.calls[0][0]).toBe(
      'http://localhost:7007/api/ai-platform/scorecards?owner=group%3Adefault%2Fteam+a',
    );
    expect(fetch.mock.calls[1][0]).toBe(
      'http://localhost:7007/api/ai-platform/timeseries/by-entity/agent/default/checkout-agent?metric=ttft_p95_ms&window=30d&step=1d',
    );
  });

  it('reads the cost of an entity from /cost/by-entity, lower-casing and encoding the ref', async () => {
    const { client, fetch } = createClient(
      jsonResponse(200, { cost: { basis: 'gpu-hours-spec-estimate' } }),
    );

    await expect(
      client.getEntityCost({
        kind: 'ModelEndpoint',
        namespace: 'default',
        name: 'Llama 3.1',
      }),
    ).resolves.toEqual({ cost: { basis: 'gpu-hours-spec-estimate' } });
    expect(fetch.mock.calls[0][0]).toBe(
      'http://localhost:7007/api/ai-platform/cost/by-entity/modelendpoint/default/llama%203.1',
    );
  });

  it('rejects a 403 with a ResponseError that isPermissionDeniedError recognises', async () => {
    const { client } = createClient(
      jsonResponse(403, {
        error: {
          name: 'NotAllowedError',
          message:
            'Not allowed to read the telemetry of agent:default/checkout-agent',
        },
        response: { statusCode: 403 },
      }),
    );

    const error = await client.getEntityScorecard(agentRef).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.cause.message).toBe(
      'Not allowed to read the telemetry of agent:default/checkout-agent',
    );
    expect(isPermissionDeniedError(error)).toBe(true);
  });

  it('rejects other failures with a ResponseError that is not a permission denial', async () => {
    const { client } = createClient(
      jsonResponse(500, {
        error: { name: 'Error', message: 'database unreachable' },
        response: { statusCode: 500 },
      }),
    );

    const error = await client.getEntityScorecard(agentRef).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(500);
    expect(isPermissionDeniedError(error)).toBe(false);
    expect(isPermissionDeniedError(new Error('boom'))).toBe(false);
  });
});

describe('AiPlatformClient planning', () => {
  it('reads the planning options', async () => {
    const { client, fetch } = createClient(jsonResponse(200, { models: [] }));
    await expect(client.getPlanningOptions()).resolves.toEqual({ models: [] });
    expect(fetch.mock.calls[0][0]).toBe(
      'http://localhost:7007/api/ai-platform/planning/options',
    );
  });

  it('posts the preview request as JSON', async () => {
    const { client, fetch } = createClient(
      jsonResponse(200, { approved: true }),
    );
    const request = {
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      gpuProfile: 'l4-24gb',
      cluster: 'gpu-eu-west-1',
      dataClassification: 'internal',
      contextTokens: 8192,
    };
    await expect(client.previewEndpointPlan(request)).resolves.toEqual({
      approved: true,
    });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://localhost:7007/api/ai-platform/planning/preview');
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(JSON.parse(init.body as string)).toEqual(request);
  });

  it('rejects with the ResponseError of a 400', async () => {
    const { client } = createClient(
      jsonResponse(400, {
        error: { name: 'InputError', message: "'contextTokens': bad" },
      }),
    );
    const error = await client
      .previewEndpointPlan({
        model: 'm',
        gpuProfile: 'g',
        cluster: 'c',
        dataClassification: 'internal',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
  });
});
