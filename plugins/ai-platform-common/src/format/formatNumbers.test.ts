import { formatCount, formatDecimal, formatPercent } from './formatNumbers';

describe('formatCount', () => {
  it('rounds to a whole number with thousands separators', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1234)).toBe('1,234');
    expect(formatCount(1234567.5)).toBe('1,234,568');
    expect(formatCount(-2.4)).toBe('-2');
  });
});

describe('formatDecimal', () => {
  it('keeps at most two decimals and drops trailing zeros', () => {
    expect(formatDecimal(0.9)).toBe('0.9');
    expect(formatDecimal(0.926)).toBe('0.93');
    expect(formatDecimal(12)).toBe('12');
    expect(formatDecimal(1234.5)).toBe('1,234.5');
  });
});

describe('formatPercent', () => {
  it('writes the percent sign after a space', () => {
    expect(formatPercent(0.92)).toBe('0.92 %');
    expect(formatPercent(5)).toBe('5 %');
    expect(formatPercent(33.3333)).toBe('33.33 %');
  });
});
