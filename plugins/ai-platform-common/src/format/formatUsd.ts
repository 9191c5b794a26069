/**
 * How {@link formatUsd} writes an amount.
 *
 * @public
 */
export interface FormatUsdOptions {
  /**
   * `code` (default): `4,672.00 USD`, for messages and plain text;
   * `symbol`: `$4,672.00`, for pages.
   */
  unit?: 'code' | 'symbol';
  /**
   * Whole amounts: `always` (default) with cents, `$3,000.00`;
   * `unless-whole` without them, `$3,000`.
   */
  cents?: 'always' | 'unless-whole';
  /**
   * Non-zero amounts under a dollar (with `unit: 'symbol'`): `cents`
   * (default) rounds them to cents, `$0.00`; `significant` keeps three
   * significant digits, `$0.0756`, so small spends do not read as `$0.00`.
   */
  small?: 'cents' | 'significant';
}

const centsUsd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

const wholeUsd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 0,
  maximumFractionDigits: 0,
});

const significantUsd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumSignificantDigits: 3,
});

const centsNumber = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/**
 * Formats US dollars: `4,672.00 USD` by default; on pages, with
 * `unit: 'symbol'`, `$4,672.00`, or `$3,000` and `$0.0756` as the options say.
 *
 * @public
 */
export function formatUsd(
  valueUsd: number,
  options: FormatUsdOptions = {},
): string {
  const { unit = 'code', cents = 'always', small = 'cents' } = options;
  if (unit === 'code') {
    return `${centsNumber.format(valueUsd)} USD`;
  }
  if (Number.isInteger(valueUsd)) {
    return cents === 'unless-whole'
      ? wholeUsd.format(valueUsd)
      : centsUsd.format(valueUsd);
  }
  if (small === 'significant' && Math.abs(valueUsd) < 1) {
    return significantUsd.format(valueUsd);
  }
  return centsUsd.format(valueUsd);
}

/**
 * {@link formatUsd} with its options fixed, for places that take a
 * one-argument formatter (chart axes, table columns).
 *
 * @public
 */
export function usdFormatter(
  options: FormatUsdOptions,
): (valueUsd: number) => string {
  return valueUsd => formatUsd(valueUsd, options);
}
