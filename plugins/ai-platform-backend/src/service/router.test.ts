import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import {
  SubjectUsage,
  TelemetryStore,
  TimeWindow,
  UnattributedUsage,
} from '../database/TelemetryStore';
import { createRouter, parseUsageWindow } from './router';

const NOW = new Date('2026-11-23T12:00:00.000Z');

function emptyUsage(subject: string): SubjectUsage {
  return {
    subject,
    window: { from: '', to: '' },
    requests: 0,
    errors: 0,
    errorRatePercent: null,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    ttftMs: { p50: null, p95: null, count: 0 },
    latencyMs: { p50: null, p95: null, count: 0 },
  };
}

describe('parseUsageWindow', () => {
  it('defaults to the last 24 hours', () => {
    expect(parseUsageWindow({}, NOW)).toEqual({
      from: new Date('2026-11-22T12:00:00.000Z'),
      to: NOW,
    });
  });

  it('defaults from to 24 hours before an explicit to', () => {
    expect(parseUsageWindow({ to: '2026-11-01' }, NOW)).toEqual({
      from: new Date('2026-10-31T00:00:00.000Z'),
      to: new Date('2026-11-01T00:00:00.000Z'),
    });
  });

  it('accepts date-times with offsets', () => {
    expect(
      parseUsageWindow(
        { from: '2026-11-23T01:00:00+01:00', to: '2026-11-23T10:00:00Z' },
        NOW,
      ).from,
    ).toEqual(new Date('2026-11-23T00:00:00.000Z'));
  });

  it.each([
    [{ from: 'yesterday' }, /'from': expected a single ISO 8601/],
    [{ to: '23/11/2026' }, /'to': expected a single ISO 8601/],
    [{ from: ['2026-11-01', '2026-11-02'] }, /'from'/],
    [
      { from: '2026-11-23T10:00:00Z', to: '2026-11-23T10:00:00Z' },
      /'from': 2026-11-23T10:00:00.000Z must be before 'to'/,
    ],
    [
      { from: '2026-01-01', to: '2026-11-01' },
      /'from' and 'to': the window may span at most 92 days/,
    ],
  ])('rejects %j', (query, message) => {
    expect(() => parseUsageWindow(query, NOW)).toThrow(message);
  });
});

describe('createRouter', () => {
  let store: jest.Mocked<TelemetryStore>;
  let permissions: ReturnType<typeof mockServices.permissions.mock>;
  let app: express.Express;

  beforeEach(async () => {
    store = {
      insertEvents: jest.fn(),
      getUsage: jest.fn(async ({ subject }) => emptyUsage(subject)),
      listUnattributed: jest.fn(
        async (_window: TimeWindow): Promise<UnattributedUsage[]> => [],
      ),
      countUnattributed: jest.fn(async (_window: TimeWindow) => 0),
      deleteEventsBefore: jest.fn(),
      getTimeseries: jest.fn(),
    };
    permissions = mockServices.permissions.mock({
      authorize: jest.fn(async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      ),
      authorizeConditional: jest.fn(async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      ),
    });
    const router = await createRouter({
      logger: mockServices.logger.mock(),
      httpAuth: mockServices.httpAuth(),
      permissions,
      telemetryStore: store,
    });
    app = express().use(router).use(mockErrorHandler());
  });

  it('authorizes the entity as the permission resource', async () => {
    const response = await request(app)
      .get('/usage/by-entity/ModelEndpoint/default/Llama-Chat')
      .query({ from: '2026-11-23T00:00:00Z', to: '2026-11-23T06:00:00Z' });

    expect(response.status).toBe(200);
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'ai-platform.telemetry.read',
          }),
          resourceRef: 'modelendpoint:default/llama-chat',
        },
      ],
      { credentials: mockCredentials.user() },
    );
    expect(store.getUsage).toHaveBeenCalledWith({
      subject: 'entity:modelendpoint:default/llama-chat',
      from: new Date('2026-11-23T00:00:00Z'),
      to: new Date('2026-11-23T06:00:00Z'),
    });
    expect(response.body.entityRef).toBe('modelendpoint:default/llama-chat');
  });

  it('does not read the store when the query is invalid', async () => {
    const response = await request(app)
      .get('/usage/by-entity/agent/default/checkout')
      .query({ from: '2026-11-23T00:00:00Z', to: '2026-11-22T00:00:00Z' });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/'from'.*must be before 'to'/);
    expect(store.getUsage).not.toHaveBeenCalled();
  });

  it('only serves unattributed usage on an unconditional allow', async () => {
    permissions.authorizeConditional.mockResolvedValue([
      {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: {},
        },
      },
    ]);
    const response = await request(app).get('/usage/unattributed');
    expect(response.status).toBe(403);
    expect(store.listUnattributed).not.toHaveBeenCalled();
  });

  it('lists unattributed usage for the window', async () => {
    store.listUnattributed.mockResolvedValue([
      {
        joinKey: 'gpt-4o',
        joinKeyKind: 'model',
        requests: 3,
        errors: 0,
        inputTokens: 30,
        outputTokens: 3,
        costUsd: 0.01,
        lastSeenHourStart: '2026-11-23T10:00:00.000Z',
      },
    ]);
    store.countUnattributed.mockResolvedValue(1);
    const response = await request(app)
      .get('/usage/unattributed')
      .query({ from: '2026-11-23T00:00:00Z', to: '2026-11-23T12:00:00Z' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      window: {
        from: '2026-11-23T00:00:00.000Z',
        to: '2026-11-23T12:00:00.000Z',
      },
      items: [expect.objectContaining({ joinKey: 'gpt-4o', requests: 3 })],
      total: 1,
      limit: 50,
      offset: 0,
      order: 'requests',
      nextOffset: null,
    });
  });
});
