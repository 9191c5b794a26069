import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import Typography from '@mui/material/Typography';
import { ModelEndpointRow } from './aiPlatformFleet';

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

const columns: TableColumn<ModelEndpointRow>[] = [
  {
    title: 'Name',
    field: 'entity.metadata.name',
    highlight: true,
    render: row => <EntityRefLink entityRef={row.entity} hideIcon />,
  },
  {
    title: 'Owner',
    render: row =>
      row.ownerRefs.length > 0 ? (
        <EntityRefLinks entityRefs={row.ownerRefs} defaultKind="group" />
      ) : (
        NOT_SET
      ),
  },
  { title: 'Type', field: 'type', emptyValue: NOT_SET },
  {
    title: 'Serving',
    field: 'servingMode',
    render: row => describeServing(row),
  },
  { title: 'GPU profile', field: 'gpuProfile', emptyValue: NOT_SET },
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
    title: 'Data classification',
    field: 'dataClassification',
    emptyValue: NOT_SET,
  },
  { title: 'Lifecycle', field: 'lifecycle', emptyValue: NOT_SET },
];

/** The table of every ModelEndpoint in the catalog. */
export function ModelEndpointTable(props: { rows: ModelEndpointRow[] }) {
  const { rows } = props;
  return (
    <Table<ModelEndpointRow>
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
