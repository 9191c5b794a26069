import type { EndpointCostBasis } from '@ai-platform/plugin-ai-platform-common';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { costBasisLabel, isEstimatedBasis } from './costBasis';

/**
 * Where a cost came from, beside the number: `GPU-hours from Prometheus`,
 * `Estimated from the spec` with an `estimate` chip, `Gateway per-call
 * cost`. `short` is for table cells (`GPU · estimate`).
 *
 * @internal
 */
export function CostBasisLabel(props: {
  basis: EndpointCostBasis;
  short?: boolean;
}) {
  const { basis, short } = props;
  const estimate = isEstimatedBasis(basis);
  return (
    <Stack
      component="span"
      direction="row"
      spacing={0.5}
      alignItems="center"
      sx={{ display: 'inline-flex' }}
    >
      <Typography component="span" variant="caption" color="text.secondary">
        {costBasisLabel(basis, { short })}
      </Typography>
      {estimate && <EstimateChip />}
    </Stack>
  );
}

/**
 * The mark of a number that is an estimate, not a measurement.
 *
 * @internal
 */
export function EstimateChip() {
  return (
    <Chip
      component="span"
      size="small"
      variant="outlined"
      color="warning"
      label="estimate"
      title="Estimated from the spec (replicas.min × GPUs per replica × hours), not measured"
      sx={{ height: 20 }}
    />
  );
}
