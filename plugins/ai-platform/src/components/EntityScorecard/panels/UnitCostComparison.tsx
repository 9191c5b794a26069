import { UnitCost } from '@ai-platform/plugin-ai-platform-common';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import LinearProgress from '@mui/material/LinearProgress';
import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { aiPlatformApiRef, isPermissionDeniedError } from '../../../api';
import {
  CostBasisLabel,
  formatPerMillionOutputTokens,
  formatPerThousandRequests,
} from '../../CostBasis';

function ComparisonRow(props: {
  endpoint: ReactNode;
  serving: string;
  unitCost: UnitCost;
  highlight?: boolean;
}) {
  const { endpoint, serving, unitCost, highlight } = props;
  const fontWeight = highlight ? 'bold' : undefined;
  return (
    <TableRow>
      <TableCell sx={{ fontWeight, minWidth: 160 }}>{endpoint}</TableCell>
      <TableCell sx={{ minWidth: 140 }}>{serving}</TableCell>
      <TableCell align="right" sx={{ fontWeight, whiteSpace: 'nowrap' }}>
        {formatPerMillionOutputTokens(unitCost)}
      </TableCell>
      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
        {formatPerThousandRequests(unitCost)}
      </TableCell>
      <TableCell>
        <CostBasisLabel basis={unitCost.basis} short />
      </TableCell>
    </TableRow>
  );
}

/**
 * The unit cost of this ModelEndpoint beside the other endpoints of the same
 * type the user may read, managed ones first, at this month's traffic
 * (`GET /cost/by-entity/...`). One request.
 */
export function UnitCostComparison(props: { entityRef: CompoundEntityRef }) {
  const { entityRef } = props;
  const aiPlatformApi = useApi(aiPlatformApiRef);
  const refKey = `${entityRef.kind}:${entityRef.namespace}/${entityRef.name}`;
  const { value, loading, error } = useAsync(
    () => aiPlatformApi.getEntityCost(entityRef),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [aiPlatformApi, refKey],
  );
  const type = value?.cost.type;
  return (
    <section aria-label="Unit cost comparison">
      <Typography variant="subtitle2" component="h3">
        Unit cost beside other {type ? `${type} ` : ''}endpoints
      </Typography>
      {loading && <LinearProgress aria-label="Loading the comparison" />}
      {error && (
        <Typography variant="body2" color="text.secondary">
          {isPermissionDeniedError(error)
            ? 'You may not read the cost of this endpoint (ai-platform.telemetry.read).'
            : `The comparison could not be loaded: ${error.message}`}
        </Typography>
      )}
      {value && value.comparisons.length === 0 && (
        <Typography variant="body2" color="text.secondary">
          No other {type ?? ''} endpoint you may read to compare with.
        </Typography>
      )}
      {value && value.comparisons.length > 0 && (
        <Box sx={{ overflowX: 'auto' }}>
          <Table size="small" aria-label="Unit cost of comparable endpoints">
            <TableHead>
              <TableRow>
                <TableCell>Endpoint</TableCell>
                <TableCell>Serving</TableCell>
                <TableCell align="right">Per M output tokens</TableCell>
                <TableCell align="right">Per 1,000 requests</TableCell>
                <TableCell>Basis</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {value.cost.unitCost && (
                <ComparisonRow
                  endpoint={`${value.cost.title} (this endpoint)`}
                  serving={value.cost.servingMode ?? '—'}
                  unitCost={value.cost.unitCost}
                  highlight
                />
              )}
              {value.comparisons.map(item => (
                <ComparisonRow
                  key={item.entityRef}
                  endpoint={
                    <EntityRefLink entityRef={item.entityRef} hideIcon>
                      {item.title}
                    </EntityRefLink>
                  }
                  serving={[item.servingMode, item.model]
                    .filter(Boolean)
                    .join(' · ')}
                  unitCost={item.unitCost}
                />
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
      {value && (
        <Typography variant="caption" color="text.secondary" component="p">
          At this month’s traffic ({value.window.from.slice(0, 10)} to{' '}
          {value.window.to.slice(0, 10)} UTC): self-hosted is GPU cost ÷ work
          served, managed is the gateway’s per-call cost ÷ work.
        </Typography>
      )}
    </section>
  );
}
