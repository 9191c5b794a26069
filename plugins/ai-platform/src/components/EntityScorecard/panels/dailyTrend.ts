import { EntityScorecard } from '../../../api';
import { TrendPoint } from '../TrendChart';

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

type DailyUsage = NonNullable<EntityScorecard['dailyUsage']>;

/** One point per day of the scorecard's daily usage. */
export function dailyTrendPoints(
  daily: DailyUsage,
  value: (day: DailyUsage[number]) => number | null,
): TrendPoint[] {
  return daily.map(day => ({ start: new Date(day.start), value: value(day) }));
}

/** What an empty daily chart says it covers: `the last 30 days`. */
export function dailyWindowLabel(daily: DailyUsage): string {
  return `the last ${daily.length} days`;
}
