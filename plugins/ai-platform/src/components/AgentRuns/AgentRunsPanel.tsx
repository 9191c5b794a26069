import {
  formatCount,
  formatMs,
  formatPercent,
  formatUtcMinute,
} from '@ai-platform/plugin-ai-platform-common';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';
import { AgentRuns, aiPlatformApiRef } from '../../api';
import { KeyFigure } from '../EntityScorecard/panels/KeyFigure';
import { formatUsd } from '../EntityScorecard/scorecardDisplay';
import {
  ScorecardPanel,
  ScorecardPanelProps,
} from '../EntityScorecard/panels/ScorecardPanel';
import { TrendChart, TrendPoint } from '../EntityScorecard/TrendChart';

const DAY_MS = 24 * 60 * 60 * 1000;
const WINDOW_LABEL = 'last 14 days · from agent spans';

/** One point per UTC day of the window: the runs that day, `null` for none. */
export function runsPerDayPoints(
  runs: Pick<AgentRuns, 'window' | 'days'>,
  value: (day: AgentRuns['days'][number]) => number | null,
): TrendPoint[] {
  const byDay = new Map(runs.days.map(day => [day.day, day]));
  const fromMs = Math.floor(Date.parse(runs.window.from) / DAY_MS) * DAY_MS;
  const toMs = Date.parse(runs.window.to);
  const points: TrendPoint[] = [];
  for (let start = fromMs; start < toMs; start += DAY_MS) {
    const day = byDay.get(new Date(start).toISOString().slice(0, 10));
    points.push({ start: new Date(start), value: day ? value(day) : null });
  }
  return points;
}

/** A trace id, linked when the backend has a trace link for it. */
export function TraceLink(props: { traceId: string; url: string | null }) {
  const text = <code>{props.traceId.slice(0, 12)}…</code>;
  return props.url ? (
    <Link to={props.url} aria-label={`Trace ${props.traceId}`}>
      {text}
    </Link>
  ) : (
    <span title={props.traceId}>{text}</span>
  );
}

function ToolsTable(props: { tools: AgentRuns['tools'] }) {
  if (props.tools.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No tool calls in the last 14 days (execute_tool spans with
        gen_ai.tool.name).
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Tools">
      <TableHead>
        <TableRow>
          <TableCell>Tool</TableCell>
          <TableCell align="right">Calls</TableCell>
          <TableCell align="right">Error rate</TableCell>
          <TableCell align="right">p95 duration</TableCell>
          <TableCell>Latest failing trace</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.tools.map(tool => (
          <TableRow key={tool.toolName}>
            <TableCell>
              <Stack spacing={0.5}>
                <code>{tool.toolName}</code>
                {tool.apiEntityRef ? (
                  <EntityRefLink entityRef={tool.apiEntityRef} />
                ) : (
                  <Chip
                    size="small"
                    variant="outlined"
                    label="not in the catalog"
                    title="No API entity lists this tool in its aiplatform.io/tools annotation"
                  />
                )}
              </Stack>
            </TableCell>
            <TableCell align="right">{formatCount(tool.calls)}</TableCell>
            <TableCell align="right">
              {tool.errorRatePercent === null
                ? '—'
                : formatPercent(tool.errorRatePercent)}
            </TableCell>
            <TableCell align="right">
              {tool.p95DurationMs === null ? '—' : formatMs(tool.p95DurationMs)}
            </TableCell>
            <TableCell>
              {tool.latestFailingTraceId ? (
                <TraceLink
                  traceId={tool.latestFailingTraceId}
                  url={tool.latestFailingTraceUrl}
                />
              ) : (
                '—'
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function FailingRuns(props: { runs: AgentRuns['latestFailingRuns'] }) {
  if (props.runs.length === 0) {
    return null;
  }
  return (
    <Stack spacing={0.5} aria-label="Latest failing runs" role="list">
      <Typography variant="subtitle2">Latest failing runs</Typography>
      {props.runs.map(run => (
        <Typography variant="body2" key={run.traceId} role="listitem">
          {formatUtcMinute(run.startedAt)} ·{' '}
          <TraceLink traceId={run.traceId} url={run.traceUrl} /> ·{' '}
          {run.errorType ?? 'error'} · {formatMs(run.durationMs)}
        </Typography>
      ))}
    </Stack>
  );
}

/** The figures, runs-per-day chart, tools table and failing runs. */
export function AgentRunsDetails(props: { runs: AgentRuns }) {
  const { runs } = props;
  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={3} flexWrap="wrap" useFlexGap>
        <KeyFigure
          label="Runs"
          value={formatCount(runs.runs)}
          detail={`${formatCount(runs.failedRuns)} failed · ${WINDOW_LABEL}`}
        />
        <KeyFigure
          label="Success rate"
          value={
            runs.successRatePercent === null
              ? '—'
              : formatPercent(runs.successRatePercent)
          }
          detail={WINDOW_LABEL}
        />
        <KeyFigure
          label="Cost per run"
          value={
            runs.costPerRunUsd === null
              ? '—'
              : formatUsd(runs.costPerRunUsd)
          }
          detail={`sum of each run's model calls · ${formatCount(
            runs.modelCalls,
          )} calls`}
        />
        <KeyFigure
          label="p95 run duration"
          value={runs.p95DurationMs === null ? '—' : formatMs(runs.p95DurationMs)}
          detail={WINDOW_LABEL}
        />
      </Stack>
      <TrendChart
        title="Runs per day"
        variant="bar"
        points={runsPerDayPoints(runs, day => day.runs)}
        stepMs={DAY_MS}
        formatValue={formatCount}
        emptyWindowLabel="the last 14 days"
      />
      <ToolsTable tools={runs.tools} />
      <FailingRuns runs={runs.latestFailingRuns} />
    </Stack>
  );
}

/**
 * The "Runs and tools" panel of an Agent's scorecard tab: the `agent`
 * checks, then the agent's runs over the last 14 days (runs per day,
 * success rate, cost per run, p95 duration), its tools (calls, error rate,
 * p95 duration, the API entity serving each) and the latest failing traces.
 */
export function AgentRunsPanel(
  props: ScorecardPanelProps & { entityRef: CompoundEntityRef },
) {
  const { entityRef, ...panelProps } = props;
  const aiPlatformApi = useApi(aiPlatformApiRef);
  const refKey = `${entityRef.kind}:${entityRef.namespace}/${entityRef.name}`;
  const runs = useAsync(
    () => aiPlatformApi.getAgentRuns(entityRef),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [aiPlatformApi, refKey],
  );
  let details;
  if (runs.loading) {
    details = <Progress />;
  } else if (runs.error) {
    details = <ResponseErrorPanel error={runs.error} />;
  } else if (runs.value) {
    details = <AgentRunsDetails runs={runs.value} />;
  }
  return <ScorecardPanel {...panelProps} details={details} />;
}
