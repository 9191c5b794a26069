import { LineChart } from '@mui/x-charts/LineChart';
import { ChartsReferenceLine } from '@mui/x-charts/ChartsReferenceLine';
import Typography from '@mui/material/Typography';
import { TelemetryTimeseries } from '../../api';
import { formatMs } from './scorecardDisplay';

/**
 * TTFT p95 per day with the SLO as a reference line.
 *
 * @internal
 */
export function TtftTrendChart(props: {
  timeseries: TelemetryTimeseries;
  sloMs: number | null;
}) {
  const { timeseries, sloMs } = props;
  const withData = timeseries.points.filter(point => point.value !== null);
  if (withData.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No TTFT samples in the last {timeseries.points.length} days.
      </Typography>
    );
  }
  const days = timeseries.points.map(point => new Date(point.start));
  return (
    <figure
      aria-label={`TTFT p95 per day: ${
        withData.length
      } days with samples, latest ${formatMs(
        withData[withData.length - 1].value!,
      )}${sloMs !== null ? `, SLO ${formatMs(sloMs)}` : ''}`}
      style={{ margin: 0 }}
    >
      <LineChart
        height={220}
        xAxis={[
          {
            data: days,
            scaleType: 'time',
            valueFormatter: (day: Date) => day.toISOString().slice(5, 10),
          },
        ]}
        yAxis={[{ label: 'ms', min: 0 }]}
        series={[
          {
            data: timeseries.points.map(point => point.value),
            label: 'TTFT p95',
            connectNulls: false,
            valueFormatter: value => (value === null ? '—' : formatMs(value)),
          },
        ]}
        margin={{ left: 60, right: 20, top: 40, bottom: 30 }}
      >
        {sloMs !== null && (
          <ChartsReferenceLine
            y={sloMs}
            label={`SLO ${formatMs(sloMs)}`}
            labelAlign="start"
            labelStyle={{ fontSize: 12, fill: '#d32f2f' }}
            lineStyle={{ strokeDasharray: '6 4', stroke: '#d32f2f' }}
          />
        )}
      </LineChart>
    </figure>
  );
}
