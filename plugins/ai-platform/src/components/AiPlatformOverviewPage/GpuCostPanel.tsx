import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { FleetGpuCost } from '../../api';
import { EstimateChip, RightSizingList } from '../CostBasis';
import { formatUsd } from './fleetDisplay';
import { FleetPanel } from './FleetPanel';

function Figure(props: { label: string; value: string; detail: string }) {
  return (
    <Box role="group" aria-label={props.label} sx={{ minWidth: 160 }}>
      <Typography variant="overline" color="text.secondary">
        {props.label}
      </Typography>
      <Typography variant="h5" component="p">
        {props.value}
      </Typography>
      <Typography variant="caption" color="text.secondary">
        {props.detail}
      </Typography>
    </Box>
  );
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * GPU cost of the self-hosted ModelEndpoints month to date: total, idle,
 * how many endpoints were measured by Prometheus, estimated from the spec
 * or unavailable, and the right-sizing recommendations.
 */
export function GpuCostPanel(props: { gpuCost: FleetGpuCost }) {
  const { gpuCost } = props;
  const endpointCount =
    gpuCost.measuredEndpointCount +
    gpuCost.estimatedEndpointCount +
    gpuCost.unavailableEndpointCount;
  return (
    <FleetPanel
      title="GPU cost"
      subtitle="Self-hosted ModelEndpoints you may read, month to date: GPU-hours held × price per GPU-hour (spec.pricing.gpuHourUsd, else the GPU profile's hourlyCostUsd). GPU-hours from the cluster's Prometheus, else estimated from the spec (replicas.min × GPUs per replica × hours)."
    >
      {endpointCount === 0 ? (
        <Typography variant="body2">
          No self-hosted ModelEndpoint whose cost you may read.
        </Typography>
      ) : (
        <Stack direction="row" spacing={3} flexWrap="wrap" useFlexGap>
          <Figure
            label="GPU cost month to date"
            value={formatUsd(gpuCost.totalMtdUsd)}
            detail={`${plural(endpointCount, 'endpoint', 'endpoints')}${
              gpuCost.unavailableEndpointCount > 0
                ? `, ${gpuCost.unavailableEndpointCount} not counted`
                : ''
            }`}
          />
          <Figure
            label="Idle GPU cost"
            value={formatUsd(gpuCost.idleMtdUsd)}
            detail="GPU-hours × (1 − utilisation) × price, where Prometheus has utilisation"
          />
          <Box role="group" aria-label="GPU-hours sources">
            <Typography variant="overline" color="text.secondary">
              GPU-hours from
            </Typography>
            <Typography variant="body2">
              Prometheus: {gpuCost.measuredEndpointCount}
            </Typography>
            <Typography variant="body2" component="div">
              Estimated from the spec: {gpuCost.estimatedEndpointCount}{' '}
              {gpuCost.estimatedEndpointCount > 0 && <EstimateChip />}
            </Typography>
            <Typography
              variant="body2"
              color={
                gpuCost.unavailableEndpointCount > 0
                  ? 'warning.main'
                  : undefined
              }
            >
              Unavailable: {gpuCost.unavailableEndpointCount}
            </Typography>
          </Box>
        </Stack>
      )}
      <Box component="section" aria-label="Right-sizing" sx={{ mt: 2 }}>
        <Typography variant="subtitle2" component="h3">
          Right-sizing ({gpuCost.recommendations.length})
        </Typography>
        {gpuCost.recommendations.length === 0 ? (
          <Typography variant="body2" color="text.secondary">
            No cheaper GPU profile or lower replicas.min found that is safe for
            its model and context.
          </Typography>
        ) : (
          <RightSizingList
            items={gpuCost.recommendations.map((item, index) => ({
              key: `${item.entityRef} ${index}`,
              subject: (
                <EntityRefLink entityRef={item.entityRef} hideIcon>
                  {item.title}
                </EntityRefLink>
              ),
              recommendation: item.recommendation,
            }))}
          />
        )}
      </Box>
    </FleetPanel>
  );
}
