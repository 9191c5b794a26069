import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { BarChart } from '@mui/x-charts/BarChart';
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { FleetSummary } from '../../api';
import { NO_OWNER } from './aiPlatformFleet';
import { FleetPanel } from './FleetPanel';

function QuotaCell(props: { allocated: number; quota: number | null }) {
  const { allocated, quota } = props;
  if (quota === null) {
    return <>{allocated} of no quota</>;
  }
  const over = allocated > quota;
  return (
    <Box sx={{ minWidth: 120 }}>
      <Typography variant="body2" color={over ? 'error' : undefined}>
        {allocated} of {quota}
        {over ? ' (over quota)' : ''}
      </Typography>
      <LinearProgress
        variant="determinate"
        color={over ? 'error' : 'primary'}
        value={quota === 0 ? 100 : Math.min(100, (allocated / quota) * 100)}
        aria-hidden
      />
    </Box>
  );
}

/**
 * GPUs of the self-hosted ModelEndpoints (replicas × GPUs per replica of the
 * profile) per cluster and profile, and per team against its quota.
 */
export function GpuAllocationPanel(props: {
  gpuAllocation: FleetSummary['gpuAllocation'];
}) {
  const { byClusterAndProfile, byTeamAndProfile, incompleteEndpoints } =
    props.gpuAllocation;
  const clusters = [...new Set(byClusterAndProfile.map(row => row.cluster))];
  // One cluster: label bars by profile and name the cluster once.
  const labels = byClusterAndProfile.map(row =>
    clusters.length === 1 ? row.gpuProfile : `${row.cluster}/${row.gpuProfile}`,
  );
  return (
    <FleetPanel
      title="GPU allocation"
      subtitle="Self-hosted ModelEndpoints: spec.serving.replicas × GPUs per replica of the GPU profile (aiPlatform.gpuProfiles[].gpusPerReplica, default 1), against the team quotas of aiPlatform.teams"
    >
      {byClusterAndProfile.length === 0 ? (
        <Typography variant="body2">
          No self-hosted ModelEndpoint declares a cluster, GPU profile and
          replicas yet.
        </Typography>
      ) : (
        <figure
          style={{ margin: 0 }}
          aria-label={`GPUs by cluster and profile: ${byClusterAndProfile
            .map(
              row =>
                `${row.cluster} ${row.gpuProfile} ${row.gpusAtMinReplicas} to ${row.gpusAtMaxReplicas}`,
            )
            .join('; ')}`}
        >
          {clusters.length === 1 && (
            <Typography variant="body2" color="text.secondary">
              Cluster {clusters[0]}
            </Typography>
          )}
          <BarChart
            height={240}
            xAxis={[
              {
                scaleType: 'band',
                data: labels,
                tickLabelStyle: { fontSize: 11 },
              },
            ]}
            yAxis={[{ label: 'GPUs', tickMinStep: 1 }]}
            series={[
              {
                label: 'At min replicas',
                data: byClusterAndProfile.map(row => row.gpusAtMinReplicas),
              },
              {
                label: 'At max replicas',
                data: byClusterAndProfile.map(row => row.gpusAtMaxReplicas),
              },
            ]}
            margin={{ left: 50, right: 10, top: 50, bottom: 30 }}
          />
        </figure>
      )}
      {byTeamAndProfile.length > 0 && (
        <Table size="small" aria-label="GPUs per team and profile">
          <TableHead>
            <TableRow>
              <TableCell>Team</TableCell>
              <TableCell>GPU profile</TableCell>
              <TableCell>GPUs at max replicas / quota</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {byTeamAndProfile.map(row => (
              <TableRow key={`${row.team} ${row.gpuProfile}`}>
                <TableCell>
                  {row.team === NO_OWNER ? (
                    'No owner'
                  ) : (
                    <EntityRefLink
                      entityRef={row.team}
                      defaultKind="group"
                      hideIcon
                    />
                  )}
                </TableCell>
                <TableCell>{row.gpuProfile}</TableCell>
                <TableCell>
                  <QuotaCell
                    allocated={row.gpusAtMaxReplicas}
                    quota={row.quotaGpus}
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {incompleteEndpoints.length > 0 && (
        <Typography
          variant="caption"
          color="text.secondary"
          component="p"
          sx={{ mt: 1 }}
        >
          Not counted:{' '}
          {incompleteEndpoints
            .map(
              item => `${item.entityRef} (missing ${item.missing.join(', ')})`,
            )
            .join('; ')}
        </Typography>
      )}
    </FleetPanel>
  );
}
