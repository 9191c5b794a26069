import { BarChart } from '@mui/x-charts/BarChart';
import { LineChart } from '@mui/x-charts/LineChart';
import { ChartsReferenceLine } from '@mui/x-charts/ChartsReferenceLine';
import { useTheme } from '@mui/material/styles';
import Typography from '@mui/material/Typography';

/** One step of a trend: its start and value (`null` without samples). */
export interface TrendPoint {
  start: Date;
  value: number | null;
}

/** Steps kept before the first step with data, for context. */
const LEADING_EMPTY_STEPS = 2;

/** At most this many steps show a mark on every point with data. */
const MARK_EVERY_POINT_UP_TO = 48;

const HOUR_MS = 60 * 60 * 1000;

/**
 * The steps to chart: from {@link LEADING_EMPTY_STEPS} before the first step
 * with data to the end of the window, so a few hours of data in a long
 * window fill the chart instead of a sliver at its right edge.
 *
 * @internal
 */
export function visibleTrendPoints(points: TrendPoint[]): TrendPoint[] {
  const first = points.findIndex(point => point.value !== null);
  if (first < 0) {
    return [];
  }
  return points.slice(Math.max(0, first - LEADING_EMPTY_STEPS));
}

/** `11-23` for days, `11-23 14:00` for hours (UTC, the backend's steps). */
export function formatTrendStep(start: Date, stepMs: number): string {
  const iso = start.toISOString();
  return stepMs >= 24 * HOUR_MS
    ? iso.slice(5, 10)
    : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/**
 * A trend of one metric per step (hour or day), readable with a single
 * step of data: every step with data gets a mark, steps without data stay
 * gaps, the axis starts just before the first data, and an optional
 * reference line (an SLO or a minimum) stays inside the y range.
 *
 * @internal
 */
export function TrendChart(props: {
  /** What is charted, e.g. `TTFT p95 per hour`. */
  title: string;
  points: TrendPoint[];
  stepMs: number;
  formatValue: (value: number) => string;
  /** What the window covers when it has no data, e.g. `the last 7 days`. */
  emptyWindowLabel: string;
  reference?: { value: number; label: string };
  /** Bars suit sums per step (spend, requests); lines suit rates and percentiles. */
  variant?: 'line' | 'bar';
  height?: number;
}) {
  const {
    title,
    points,
    stepMs,
    formatValue,
    emptyWindowLabel,
    reference,
    variant = 'line',
    height = 200,
  } = props;
  const theme = useTheme();
  const shown = visibleTrendPoints(points);
  const withData = shown.filter(point => point.value !== null);
  if (withData.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        {title}: no samples in {emptyWindowLabel}.
      </Typography>
    );
  }
  const latest = withData[withData.length - 1];
  const stepsLabel = stepMs >= 24 * HOUR_MS ? 'day' : 'hour';
  const ariaLabel = `${title}: ${withData.length} ${stepsLabel}${
    withData.length === 1 ? '' : 's'
  } with samples, latest ${formatValue(latest.value!)}${
    reference ? `, ${reference.label}` : ''
  }`;
  const maxValue = Math.max(
    ...withData.map(point => point.value!),
    reference?.value ?? 0,
  );
  const yAxis = [
    {
      min: 0,
      // Headroom so the top mark and the reference label stay visible.
      max: maxValue > 0 ? maxValue * 1.15 : 1,
      valueFormatter: (value: number) => formatValue(value),
    },
  ];
  const data = shown.map(point => point.value);
  const referenceColor = theme.palette.error.main;
  const seriesColor = theme.palette.primary.main;
  // Filled, larger marks: a single step of data must be easy to spot.
  const chartSx = {
    '& .MuiMarkElement-root': {
      fill: seriesColor,
      stroke: seriesColor,
      strokeWidth: 3,
    },
  };
  const referenceLine = reference && (
    <ChartsReferenceLine
      y={reference.value}
      label={reference.label}
      labelAlign="start"
      labelStyle={{ fontSize: 12, fill: referenceColor }}
      lineStyle={{ strokeDasharray: '6 4', stroke: referenceColor }}
    />
  );
  const margin = { left: 70, right: 20, top: 20, bottom: 30 };

  return (
    <figure aria-label={ariaLabel} style={{ margin: 0 }}>
      <Typography
        variant="caption"
        color="text.secondary"
        component="figcaption"
      >
        {title}
      </Typography>
      {variant === 'bar' ? (
        <BarChart
          height={height}
          xAxis={[
            {
              scaleType: 'band',
              data: shown.map(point => formatTrendStep(point.start, stepMs)),
            },
          ]}
          yAxis={yAxis}
          series={[
            {
              data,
              label: title,
              color: seriesColor,
              valueFormatter: value =>
                value === null ? '—' : formatValue(value),
            },
          ]}
          slotProps={{ legend: { hidden: true } }}
          margin={margin}
          sx={chartSx}
          // Drawn at once: animated marks vanish for a moment on resize.
          skipAnimation
        >
          {referenceLine}
        </BarChart>
      ) : (
        <LineChart
          height={height}
          xAxis={[
            {
              // Band, not point: the first and last steps sit inside the
              // axis, so their marks and tick labels are not cut off.
              scaleType: 'band',
              data: shown.map(point => formatTrendStep(point.start, stepMs)),
            },
          ]}
          yAxis={yAxis}
          series={[
            {
              data,
              label: title,
              color: seriesColor,
              connectNulls: false,
              // Marks make isolated steps (one hour, one day) visible: a line
              // needs two neighbouring steps with data.
              showMark: ({ index }) =>
                shown.length <= MARK_EVERY_POINT_UP_TO ||
                (data[index - 1] ?? null) === null ||
                (data[index + 1] ?? null) === null,
              valueFormatter: value =>
                value === null ? '—' : formatValue(value),
            },
          ]}
          slotProps={{ legend: { hidden: true } }}
          margin={margin}
          sx={chartSx}
          // Drawn at once: animated marks vanish for a moment on resize.
          skipAnimation
        >
          {referenceLine}
        </LineChart>
      )}
    </figure>
  );
}
