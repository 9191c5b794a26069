import { ConfigReader } from '@backstage/config';
import {
  applyEventTextPolicy,
  checkEventTimeMs,
  DEFAULT_INGEST_LIMITS,
  describeValue,
  epochSecondsOrMillisToMs,
  IngestItemRejection,
  readIngestLimits,
  textColumnProblem,
  truncateText,
  TRUNCATION_MARKER,
} from './ingestLimits';
import { decodeAttributes } from '../otlp/otlpValues';
import { UnresolvedTelemetryEvent } from './UnresolvedTelemetryEvent';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('readIngestLimits', () => {
  it('defaults to 30 days back, 10 minutes ahead and 20,000 spans', () => {
    const limits = readIngestLimits(new ConfigReader({}));
    expect(limits).toMatchObject({
      maxAgeMs: 30 * DAY_MS,
      maxClockSkewMs: 10 * 60 * 1000,
      maxTokensPerCall: 10_000_000,
      maxCostUsdPerCall: 10_000,
      maxCallDurationMs: DAY_MS,
      maxSpansPerRequest: 20_000,
    });
  });

  it('reads HumanDuration objects and ISO or ms strings', () => {
    const limits = readIngestLimits(
      new ConfigReader({
        aiPlatform: {
          ingest: {
            plausibility: {
              maxAge: { days: 7, hours: 12 },
              maxClockSkew: 'PT30S',
              maxCallDuration: '2h',
              maxTokensPerCall: 1000,
              maxCostUsdPerCall: 5,
            },
            limits: { maxSpansPerRequest: 100 },
          },
        },
      }),
    );
    expect(limits).toMatchObject({
      maxAgeMs: 7.5 * DAY_MS,
      maxClockSkewMs: 30_000,
      maxCallDurationMs: 2 * 60 * 60 * 1000,
      maxTokensPerCall: 1000,
      maxCostUsdPerCall: 5,
      maxSpansPerRequest: 100,
    });
  });

  it('names the key of an invalid value', () => {
    expect(() =>
      readIngestLimits(
        new ConfigReader({
          aiPlatform: { ingest: { plausibility: { maxAge: 'soon' } } },
        }),
      ),
    ).toThrow(/aiPlatform\.ingest\.plausibility\.maxAge/);
    expect(() =>
      readIngestLimits(
        new ConfigReader({
          aiPlatform: { ingest: { limits: { maxSpansPerRequest: 0 } } },
        }),
      ),
    ).toThrow(
      "Invalid config 'aiPlatform.ingest.limits.maxSpansPerRequest': expected a positive number, got 0",
    );
  });
});

describe('the text policy', () => {
  it('cuts long text on characters with a marker, never inside a surrogate pair', () => {
    expect(truncateText('short', 255)).toBe('short');
    const cut = truncateText('x'.repeat(300), 255);
    expect(cut).toHaveLength(255);
    expect(cut.endsWith(`x${TRUNCATION_MARKER}`)).toBe(true);
    const emoji = truncateText('😀'.repeat(300), 20);
    expect([...emoji]).toHaveLength(20);
    expect(emoji).toBe(
      `${'😀'.repeat(20 - TRUNCATION_MARKER.length)}${TRUNCATION_MARKER}`,
    );
    // 255 emoji are 510 UTF-16 units but 255 characters: they fit.
    expect(truncateText('😀'.repeat(255), 255)).toBe('😀'.repeat(255));
  });

  it('replaces NUL and unpaired surrogates, which PostgreSQL cannot store', () => {
    expect(truncateText('a\u0000b\uD800c', 255)).toBe('a\uFFFDb\uFFFDc');
    expect(textColumnProblem('a\u0000b', 255)).toBe('contains a NUL character');
    expect(textColumnProblem('a\uDC00', 255)).toMatch(/unpaired/);
    expect(textColumnProblem('ok', 2)).toBeNull();
    expect(textColumnProblem('toolong', 2)).toBe(
      'is 7 characters long, more than the 2 allowed',
    );
  });

  const event: UnresolvedTelemetryEvent = {
    source: 'otlp',
    sourceEventId: 'id-1',
    occurredAt: new Date(0),
    joinKey: 'gpt-4o-mini',
    operation: 'chat',
    model: 'gpt-4o-mini',
    provider: 'openai',
    streamed: false,
    status: 'error',
    errorType: 'e'.repeat(1000),
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    ttftMs: null,
    latencyMs: 1,
    agentJoinKeyCandidates: ['agt'],
    agentMatchOnlyKeys: ['k'.repeat(300), 'alias'],
  };
  const fields = {
    sourceEventId: 'id',
    joinKey: 'model_group',
    model: 'model',
    provider: 'custom_llm_provider',
    operation: 'call_type',
    agentJoinKeyCandidates: 'agent_id',
  };

  it('cuts the error type, drops match-only keys that cannot fit and keeps the rest', () => {
    const result = applyEventTextPolicy(event, fields);
    expect(result.errorType).toHaveLength(255);
    expect(result.errorType?.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(result.agentMatchOnlyKeys).toEqual(['alias']);
    expect(result.joinKey).toBe('gpt-4o-mini');
  });

  it.each([
    ['joinKey', 'model_group', 255],
    ['model', 'model', 255],
    ['provider', 'custom_llm_provider', 64],
    ['operation', 'call_type', 64],
    ['sourceEventId', 'id', 255],
  ] as const)(
    'rejects an item whose %s is too long, naming the field, value and limit',
    (key, field, limit) => {
      expect(() =>
        applyEventTextPolicy(
          { ...event, [key]: 'v'.repeat(limit + 1) },
          fields,
        ),
      ).toThrow(
        new IngestItemRejection(
          `'${field}' "${'v'.repeat(40)}"… (${limit + 1} characters) is ${
            limit + 1
          } characters long, more than the ${limit} allowed`,
        ),
      );
    },
  );

  it('rejects an agent id that does not fit', () => {
    expect(() =>
      applyEventTextPolicy(
        { ...event, agentJoinKeyCandidates: ['a'.repeat(256)] },
        fields,
      ),
    ).toThrow(/^'agent_id' "a+"… \(256 characters\) is 256 characters long/);
  });
});

describe('plausibility checks', () => {
  const limits = { ...DEFAULT_INGEST_LIMITS, now: () => Date.UTC(2026, 11, 1) };

  it('accepts times from 30 days back to 10 minutes ahead', () => {
    const now = limits.now();
    expect(checkEventTimeMs(now - 29 * DAY_MS, 't', 0, limits)).toBe(
      now - 29 * DAY_MS,
    );
    expect(() => checkEventTimeMs(now - 31 * DAY_MS, 't', 'v', limits)).toThrow(
      '\'t\' "v" (2026-10-31T00:00:00.000Z) is outside the accepted window 2026-11-01T00:00:00.000Z to 2026-12-01T00:10:00.000Z (aiPlatform.ingest.plausibility.maxAge / maxClockSkew)',
    );
    expect(() =>
      checkEventTimeMs(now + 11 * 60 * 1000, 't', 0, limits),
    ).toThrow(IngestItemRejection);
    expect(() => checkEventTimeMs(Infinity, 't', 1e308, limits)).toThrow(
      /^'t' 1e\+308 is outside the accepted window/,
    );
  });

  it('takes LiteLLM epoch values above 1e11 as milliseconds', () => {
    expect(epochSecondsOrMillisToMs(1_764_547_200)).toBe(1_764_547_200_000);
    expect(epochSecondsOrMillisToMs(1_764_547_200_123)).toBe(1_764_547_200_123);
  });

  it('describes client values briefly and never serializes objects', () => {
    expect(describeValue('x'.repeat(70_000))).toBe(
      `"${'x'.repeat(40)}"… (70,000 characters)`,
    );
    expect(describeValue({ deep: {} })).toBe('an object');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue(1e308)).toBe('1e+308');
  });
});

describe('decodeAttributes', () => {
  it('drops values nested deeper than 16 levels', () => {
    let value: Record<string, unknown> = { stringValue: 'bottom' };
    for (let i = 1; i < 17; i++) {
      value = { arrayValue: { values: [value] } };
    }
    // 17 levels: the innermost string is dropped.
    let decoded: unknown = decodeAttributes([{ key: 'k', value }]).get('k');
    for (let i = 1; i < 16; i++) {
      decoded = (decoded as unknown[])[0];
    }
    expect(decoded).toEqual([null]);
  });

  it('keeps the first 1,024 attributes of a list', () => {
    const attributes = decodeAttributes(
      Array.from({ length: 2000 }, (_, i) => ({
        key: `k${i}`,
        value: { intValue: i },
      })),
    );
    expect(attributes.size).toBe(1024);
    expect(attributes.get('k1023')).toBe(1023);
  });
});
