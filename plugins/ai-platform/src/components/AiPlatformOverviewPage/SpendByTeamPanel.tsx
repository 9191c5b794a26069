import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { BarChart } from '@mui/x-charts/BarChart';
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

/**
 * Month-to-date spend per owning group, model endpoints and agents side by
 * side (an agent's call also counts for the endpoint it calls).
 */
export function SpendByTeamPanel(props: {
  spendByTeam: TeamSpend[];
  monthStart: string;
  deniedEntityCount: number;
}) {
  const { spendByTeam, monthStart, deniedEntityCount } = props;
  const teamLabel = (owner: string) =>
    owner === NO_OWNER ? 'No owner' : entityName(owner);
  return (
    <FleetPanel
      title="Spend by team"
      subtitle={`Month to date (since ${monthStart.slice(
        0,
        10,
      )} UTC), per owning group. A call an agent makes counts for the agent and for the model endpoint it calls, so the two are shown side by side, not added.`}
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
          <Table size="small" aria-label="Spend by team, month to date">
            <TableHead>
              <TableRow>
                <TableCell>Team</TableCell>
                <TableCell align="right">Model endpoints</TableCell>
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
