const twoDecimals = new Intl.NumberFormat('en-US', {
  maximumFractionDigits: 2,
});

/**
 * A count rounded to a whole number with thousands separators: `1,234`.
 *
 * @public
 */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/**
 * A number to at most two decimals: `0.92`, `12`.
 *
 * @public
 */
export function formatDecimal(value: number): string {
  return twoDecimals.format(value);
}

/**
 * A percentage to at most two decimals: `0.92 %`.
 *
 * @public
 */
export function formatPercent(valuePercent: number): string {
  return `${formatDecimal(valuePercent)} %`;
}
