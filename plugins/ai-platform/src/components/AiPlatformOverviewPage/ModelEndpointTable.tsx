import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import Typography from '@mui/material/Typography';
import { FleetNumbers, ModelEndpointRow } from './aiPlatformFleet';
import { scorecardColumns } from './fleetColumns';
import { compareNullableNumbers, formatUsd } from './fleetDisplay';
import { CostBasisLabel } from '../CostBasis';

type TableRow = ModelEndpointRow & FleetNumbers;

const NOT_SET = '—';

function describeServing(row: ModelEndpointRow): string {
  if (row.servingMode === 'self-hosted') {
    return row.runtime ? `Self-hosted · ${row.runtime}` : 'Self-hosted';
  }
  if (row.servingMode === 'managed') {
    return row.provider ? `Managed · ${row.provider}` : 'Managed';
  }
  return row.servingMode ?? NOT_SET;
}

/**
 * Cost per million output tokens with its basis (GPU-hours or the gateway's
 * per-call cost), so self-hosted and managed endpoints compare; `—` with the
 * reason when no output token was served.
 */
function UnitCostCell(props: { row: TableRow }) {
  const unitCost = props.row.fleet?.unitCost;
  if (!unitCost) {
    return <>{NOT_SET}</>;
  }
  const perMillion = unitCost.perMillionOutputTokensUsd;
  return (
    <>
      {perMillion === null ? (
        <Typography
          variant="body2"
          component="span"
          title="No output tokens served this month"
        >
          {NOT_SET}
        </Typography>
      ) : (
        `${formatUsd(perMillion)} / M output tokens`
      )}
      <Typography component="div" variant="caption">
        <CostBasisLabel basis={unitCost.basis} short />
      </Typography>
    </>
  );
}

const columns: TableColumn<TableRow>[] = [
  {
    title: 'Name',
    field: 'entity.metadata.name',
    highlight: true,
    cellStyle: { minWidth: 170 },
    render: row => (
      <>
        <EntityRefLink entityRef={row.entity} hideIcon />
        <Typography variant="caption" color="text.secondary" display="block">
          {[row.type, row.lifecycle].filter(Boolean).join(' · ') || NOT_SET}
        </Typography>
      </>
    ),
  },
  {
    title: 'Owner',
    cellStyle: { minWidth: 130 },
    render: row =>
      row.ownerRefs.length > 0 ? (
        <EntityRefLinks entityRefs={row.ownerRefs} defaultKind="group" />
      ) : (
        NOT_SET
      ),
  },
  ...scorecardColumns<TableRow>(),
  {
    title: 'Unit cost',
    cellStyle: { whiteSpace: 'nowrap' },
    field: 'unitCostPerMillionOutputTokensUsd',
    type: 'numeric',
    customSort: (a, b) =>
      compareNullableNumbers(
        a.unitCostPerMillionOutputTokensUsd,
        b.unitCostPerMillionOutputTokensUsd,
      ),
    render: row => <UnitCostCell row={row} />,
  },
  {
    title: 'Serving',
    field: 'servingMode',
    render: row => (
      <>
        {describeServing(row)}
        {row.gpuProfile && (
          <Typography variant="caption" color="text.secondary" display="block">
            {row.gpuProfile}
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Gateway alias',
    field: 'gatewayModel',
    render: row =>
      row.gatewayModel ? (
        <Typography variant="body2" fontFamily="monospace">
          {row.gatewayModel}
        </Typography>
      ) : (
        NOT_SET
      ),
  },
  {
    title: 'Data class.',
    field: 'dataClassification',
    emptyValue: NOT_SET,
  },
];

/** The table of every ModelEndpoint in the catalog. */
export function ModelEndpointTable(props: { rows: TableRow[] }) {
  const { rows } = props;
  return (
    <Table<TableRow>
      title={`Model endpoints (${rows.length})`}
      columns={columns}
      data={rows}
      options={{
        padding: 'dense',
        search: true,
        paging: rows.length > 20,
        pageSize: 20,
      }}
    />
  );
}
