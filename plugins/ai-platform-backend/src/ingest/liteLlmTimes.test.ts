import { IngestItemRejection } from './ingestLimits';
import { parseLiteLlmTimeMs } from './liteLlmTimes';

/** 2026-12-05T10:15:30.123456Z in epoch ms (with the microseconds). */
const AT_MS = Date.UTC(2026, 11, 5, 10, 15, 30) + 123.456;

describe('parseLiteLlmTimeMs', () => {
  it.each([
    ['epoch seconds as a number', 1796465730.123456],
    ['epoch seconds as a numeric string', '1796465730.123456'],
    ['ISO 8601 with Z', '2026-12-05T10:15:30.123456Z'],
    ['ISO 8601 without a zone (UTC)', '2026-12-05T10:15:30.123456'],
    ['ISO 8601 with an offset', '2026-12-05T12:15:30.123456+02:00'],
    ['ISO 8601 with a compact offset', '2026-12-05T05:15:30.123456-0500'],
    ['LiteLLM YYYY-MM-DD HH:MM:SS.ffffff (UTC)', '2026-12-05 10:15:30.123456'],
    ['surrounding spaces', ' 2026-12-05 10:15:30.123456 '],
  ])('reads %s', (_, value) => {
    expect(parseLiteLlmTimeMs(value, 'startTime')).toBeCloseTo(AT_MS, 2);
  });

  it('keeps epoch milliseconds that can only be milliseconds', () => {
    expect(parseLiteLlmTimeMs(1796465730123, 'endTime')).toBe(1796465730123);
    expect(parseLiteLlmTimeMs('1796465730123', 'endTime')).toBe(1796465730123);
  });

  it('reads whole seconds and minutes without a fraction', () => {
    expect(parseLiteLlmTimeMs('2026-12-05 10:15:30', 'startTime')).toBe(
      Date.UTC(2026, 11, 5, 10, 15, 30),
    );
    expect(parseLiteLlmTimeMs('2026-12-05T10:15Z', 'startTime')).toBe(
      Date.UTC(2026, 11, 5, 10, 15),
    );
  });

  it('answers null for an absent field', () => {
    expect(parseLiteLlmTimeMs(undefined, 'completionStartTime')).toBeNull();
    expect(parseLiteLlmTimeMs(null, 'completionStartTime')).toBeNull();
  });

  it.each([
    ['a date without a time', '2026-09-20'],
    ['a day that does not exist', '2026-02-30 10:00:00'],
    ['an hour out of range', '2026-12-05 24:00:00'],
    ['a zone out of range', '2026-12-05T10:00:00+25:00'],
    ['words', 'yesterday'],
    ['an empty string', ''],
    ['a negative number', -5],
    ['zero', 0],
    ['NaN', Number.NaN],
    ['a boolean', true],
    ['an object', { seconds: 1 }],
  ])('refuses %s naming the field and the accepted forms', (_, value) => {
    let error: unknown;
    try {
      parseLiteLlmTimeMs(value, 'completionStartTime');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(IngestItemRejection);
    expect((error as Error).message).toMatch(
      /^'completionStartTime' must be epoch seconds \(a number or numeric string\), an ISO 8601 date-time .*without a zone it is UTC.* or LiteLLM's 'YYYY-MM-DD HH:MM:SS\.ffffff' \(UTC\), got /,
    );
  });
});
