import { formatUsd, FormatUsdOptions, usdFormatter } from './formatUsd';

// The four ways the suite wrote dollars before there was one formatter; each
// row is what that place showed, so moving to formatUsd changed no output.
const scorecardTab: FormatUsdOptions = {
  unit: 'symbol',
  cents: 'unless-whole',
  small: 'significant',
};
const overviewCards: FormatUsdOptions = {
  unit: 'symbol',
  cents: 'unless-whole',
};
const aiPlatformPage: FormatUsdOptions = {
  unit: 'symbol',
  small: 'significant',
};

describe('formatUsd', () => {
  it.each([
    // value, scorecard tab, overview cards, AI Platform page, messages
    [0, '$0', '$0', '$0.00', '0.00 USD'],
    [1, '$1', '$1', '$1.00', '1.00 USD'],
    [9000, '$9,000', '$9,000', '$9,000.00', '9,000.00 USD'],
    [1234.5, '$1,234.50', '$1,234.50', '$1,234.50', '1,234.50 USD'],
    [3.2, '$3.20', '$3.20', '$3.20', '3.20 USD'],
    [0.15, '$0.15', '$0.15', '$0.15', '0.15 USD'],
    [0.0756, '$0.0756', '$0.08', '$0.0756', '0.08 USD'],
    [0.0042, '$0.0042', '$0.00', '$0.0042', '0.00 USD'],
    [0.5, '$0.5', '$0.50', '$0.5', '0.50 USD'],
    [0.9999, '$1', '$1.00', '$1', '1.00 USD'],
    [-0.25, '-$0.25', '-$0.25', '-$0.25', '-0.25 USD'],
    [-12, '-$12', '-$12', '-$12.00', '-12.00 USD'],
    [2.675, '$2.68', '$2.68', '$2.68', '2.68 USD'],
    [
      1000000.004,
      '$1,000,000.00',
      '$1,000,000.00',
      '$1,000,000.00',
      '1,000,000.00 USD',
    ],
  ])('%p → %p / %p / %p / %p', (value, scorecard, cards, page, message) => {
    expect(formatUsd(value, scorecardTab)).toBe(scorecard);
    expect(formatUsd(value, overviewCards)).toBe(cards);
    expect(formatUsd(value, aiPlatformPage)).toBe(page);
    expect(formatUsd(value)).toBe(message);
  });

  it('fixes its options in a one-argument formatter', () => {
    const format = usdFormatter(scorecardTab);
    expect([0.0042, 3000, 12.5].map(format)).toEqual([
      '$0.0042',
      '$3,000',
      '$12.50',
    ]);
  });
});
