import { formatDurationMs, formatMs, formatUtcMinute } from './formatTime';

describe('formatMs', () => {
  it('rounds to whole milliseconds with thousands separators', () => {
    expect(formatMs(812.4)).toBe('812 ms');
    expect(formatMs(1250)).toBe('1,250 ms');
    expect(formatMs(0)).toBe('0 ms');
  });
});

describe('formatDurationMs', () => {
  it.each([
    [0, '0 s'],
    [45_000, '45 s'],
    [59_499, '59 s'],
    [59_500, '1 min'],
    [750_000, '12 min 30 s'],
    [3 * 3_600_000, '3 h'],
    [3 * 3_600_000 + 5 * 60_000, '3 h 5 min'],
    [2 * 86_400_000, '2 d'],
    [2 * 86_400_000 + 4 * 3_600_000, '2 d 4 h'],
  ])('%p ms → %p', (ms, expected) => {
    expect(formatDurationMs(ms)).toBe(expected);
  });
});

describe('formatUtcMinute', () => {
  it('keeps the date and minute of a UTC timestamp', () => {
    expect(formatUtcMinute('2026-11-23T10:00:59.999Z')).toBe(
      '2026-11-23 10:00 UTC',
    );
  });
});
