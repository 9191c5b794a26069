import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { BarChart } from '@mui/x-charts/BarChart';
import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { TeamSpend } from '../../api';
import { entityName, formatUsd } from './fleetDisplay';
import { FleetPanel } from './FleetPanel';
import { NO_OWNER } from './aiPlatformFleet';
import { EstimateChip } from '../CostBasis';

/** The GPU, estimated and idle parts of a team's endpoint spend. */
function GpuParts(props: { team: TeamSpend }) {
  const { team } = props;
  const estimated = team.estimatedSpendMtdUsd ?? 0;
  return (
    <>
      <TableCell align="right">
        {formatUsd(team.selfHostedGpuSpendMtdUsd ?? 0)}
      </TableCell>
      <TableCell align="right">
        {formatUsd(estimated)}
        {estimated > 0 && (
          <>
            {' '}
            <EstimateChip />
          </>
        )}
      </TableCell>
      <TableCell align="right">{formatUsd(team.idleCostMtdUsd ?? 0)}</TableCell>
    </>
  );
}

/**
 * Month-to-date spend per owning group, model endpoints and agents side by
 * side (an agent's call also counts for the endpoint it calls); of the
 * endpoints' spend, the part from GPU-hours, the part estimated from specs,
 * and the idle GPU cost, where the backend sends them.
 */
export function SpendByTeamPanel(props: {
  spendByTeam: TeamSpend[];
  monthStart: string;
  deniedEntityCount: number;
}) {
  const { spendByTeam, monthStart, deniedEntityCount } = props;
  const showsGpuParts = spendByTeam.some(
    team => team.selfHostedGpuSpendMtdUsd !== undefined,
  );
  const teamLabel = (owner: string) =>
    owner === NO_OWNER ? 'No owner' : entityName(owner);
  return (
    <FleetPanel
      title="Spend by team"
      subtitle={`Month to date (since ${monthStart.slice(
        0,
        10,
      )} UTC), per owning group. A call an agent makes counts for the agent and for the model endpoint it calls, so the two are shown side by side, not added. A self-hosted endpoint's spend is its GPU cost (GPU-hours × price); estimated means from the spec, without Prometheus.`}
    >
      {spendByTeam.length === 0 ? (
        <Typography variant="body2">
          No spend you may read this month.
        </Typography>
      ) : (
        <>
          <figure
            style={{ margin: 0 }}
            aria-label={`Spend by team: ${spendByTeam
              .map(
                team =>
                  `${teamLabel(team.owner)} endpoints ${formatUsd(
                    team.modelEndpointSpendMtdUsd,
                  )}, agents ${formatUsd(team.agentSpendMtdUsd)}`,
              )
              .join('; ')}`}
          >
            <BarChart
              height={Math.max(160, 60 + spendByTeam.length * 44)}
              layout="horizontal"
              yAxis={[
                {
                  scaleType: 'band',
                  data: spendByTeam.map(team => teamLabel(team.owner)),
                },
              ]}
              xAxis={[{ label: 'USD', min: 0 }]}
              series={[
                {
                  label: 'Model endpoints',
                  data: spendByTeam.map(team => team.modelEndpointSpendMtdUsd),
                  valueFormatter: value =>
                    value === null ? '—' : formatUsd(value),
                },
                {
                  label: 'Agents',
                  data: spendByTeam.map(team => team.agentSpendMtdUsd),
                  valueFormatter: value =>
                    value === null ? '—' : formatUsd(value),
                },
              ]}
              margin={{ left: 150, right: 20, top: 50, bottom: 40 }}
            />
          </figure>
          {/* Amounts never break inside a number; a narrow panel scrolls. */}
          <Box sx={{ overflowX: 'auto' }}>
            <Table
              size="small"
              aria-label="Spend by team, month to date"
              sx={{
                '& td, & th': { px: 1 },
                '& tbody .MuiTableCell-alignRight': { whiteSpace: 'nowrap' },
              }}
            >
              <TableHead>
                <TableRow>
                  <TableCell>Team</TableCell>
                  <TableCell align="right">Model endpoints</TableCell>
                  {showsGpuParts && (
                    <>
                      <TableCell align="right">of which GPU-hours</TableCell>
                      <TableCell align="right">of which estimated</TableCell>
                      <TableCell align="right">Idle GPU</TableCell>
                    </>
                  )}
                  <TableCell align="right">Agents</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {spendByTeam.map(team => (
                  <TableRow key={team.owner}>
                    <TableCell>
                      {team.owner === NO_OWNER ? (
                        'No owner'
                      ) : (
                        <EntityRefLink
                          entityRef={team.owner}
                          defaultKind="group"
                          hideIcon
                        />
                      )}
                    </TableCell>
                    <TableCell align="right">
                      {formatUsd(team.modelEndpointSpendMtdUsd)}
                      <Typography variant="caption" color="text.secondary">
                        {' '}
                        ({team.modelEndpointCount})
                      </Typography>
                    </TableCell>
                    {showsGpuParts && <GpuParts team={team} />}
                    <TableCell align="right">
                      {formatUsd(team.agentSpendMtdUsd)}
                      <Typography variant="caption" color="text.secondary">
                        {' '}
                        ({team.agentCount})
                      </Typography>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Box>
        </>
      )}
      {deniedEntityCount > 0 && (
        <Typography
          variant="caption"
          color="text.secondary"
          component="p"
          sx={{ mt: 1 }}
        >
          Leaves out {deniedEntityCount}{' '}
          {deniedEntityCount === 1 ? 'entity' : 'entities'} whose telemetry you
          may not read (ai-platform.telemetry.read).
        </Typography>
      )}
    </FleetPanel>
  );
}
