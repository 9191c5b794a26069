import {
  formatCount,
  formatMs,
  formatPercent,
  formatUtcMinute,
} from '@ai-platform/plugin-ai-platform-common';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';
import { aiPlatformApiRef, ToolAgents } from '../../api';
import { TraceLink } from '../AgentRuns/AgentRunsPanel';
import { ANNOTATION_AI_PLATFORM_TOOLS } from './toolApiEntity';

function AgentsTable(props: { result: ToolAgents }) {
  const { result } = props;
  if (result.agents.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No agent called {result.toolNames.map(name => `'${name}'`).join(', ')}{' '}
        in the last 14 days (execute_tool spans with gen_ai.tool.name).
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Agents calling this tool">
      <TableHead>
        <TableRow>
          <TableCell>Agent</TableCell>
          <TableCell>Tool</TableCell>
          <TableCell align="right">Calls</TableCell>
          <TableCell align="right">Error rate</TableCell>
          <TableCell align="right">p95 duration</TableCell>
          <TableCell>Last call</TableCell>
          <TableCell>Latest failing trace</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {result.agents.map(row => (
          <TableRow
            key={`${row.agentEntityRef ?? row.agentJoinKey}/${row.toolName}`}
          >
            <TableCell>
              {row.agentEntityRef ? (
                <EntityRefLink entityRef={row.agentEntityRef} />
              ) : (
                <Stack direction="row" spacing={1} alignItems="center">
                  <code>{row.agentJoinKey ?? 'unknown agent'}</code>
                  <Chip size="small" variant="outlined" label="unattributed" />
                </Stack>
              )}
            </TableCell>
            <TableCell>
              <code>{row.toolName}</code>
            </TableCell>
            <TableCell align="right">{formatCount(row.calls)}</TableCell>
            <TableCell align="right">
              {row.errorRatePercent === null
                ? '—'
                : formatPercent(row.errorRatePercent)}
            </TableCell>
            <TableCell align="right">
              {row.p95DurationMs === null ? '—' : formatMs(row.p95DurationMs)}
            </TableCell>
            <TableCell>{formatUtcMinute(row.lastCalledAt)}</TableCell>
            <TableCell>
              {row.latestFailingTraceId ? (
                <TraceLink
                  traceId={row.latestFailingTraceId}
                  url={row.latestFailingTraceUrl}
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

/**
 * "Agents calling this tool": on an API entity that declares tools
 * ({@link ANNOTATION_AI_PLATFORM_TOOLS}), the agents that called them in
 * the last 14 days, with calls, error rate, p95 duration and the latest
 * failing trace.
 *
 * @public
 */
export function EntityToolAgentsCard() {
  const { entity } = useEntity();
  const aiPlatformApi = useApi(aiPlatformApiRef);
  const entityRef = getCompoundEntityRef(entity);
  const refKey = `${entityRef.namespace}/${entityRef.name}`;
  const result = useAsync(
    () => aiPlatformApi.getToolAgents(entityRef),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [aiPlatformApi, refKey],
  );
  let content;
  if (result.loading) {
    content = <Progress />;
  } else if (result.error) {
    content = <ResponseErrorPanel error={result.error} />;
  } else {
    content = <AgentsTable result={result.value!} />;
  }
  return <InfoCard title="Agents calling this tool">{content}</InfoCard>;
}
