export { formatUsd, usdFormatter, type FormatUsdOptions } from './formatUsd';
export { formatCount, formatDecimal, formatPercent } from './formatNumbers';
export { formatDurationMs, formatMs, formatUtcMinute } from './formatTime';
