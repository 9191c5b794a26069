import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { AUTONOMY_LEVEL_DESCRIPTIONS } from '@ai-platform/plugin-ai-platform-common';
import { AgentRow, FleetNumbers, isAutonomyLevel } from './aiPlatformFleet';
import { scorecardColumns } from './fleetColumns';

type TableRow = AgentRow & FleetNumbers;

const NOT_SET = '—';

const AUDIENCE_LABELS: Record<string, string> = {
  product: 'Product',
  'internal-tool': 'Internal tool',
};

function AutonomyLevelCell(props: { autonomyLevel?: string }) {
  const { autonomyLevel } = props;
  if (!autonomyLevel) {
    return <>{NOT_SET}</>;
  }
  const meaning = isAutonomyLevel(autonomyLevel)
    ? AUTONOMY_LEVEL_DESCRIPTIONS[autonomyLevel]
    : {
        title: 'Unknown level',
        description: `"${autonomyLevel}" is not an autonomy level; expected one of L1 to L5.`,
      };
  return (
    <Tooltip title={meaning.description}>
      <div>
        <Typography variant="body2" fontWeight="bold">
          {autonomyLevel}
        </Typography>
        <Typography variant="caption" color="text.secondary">
          {meaning.title}
        </Typography>
      </div>
    </Tooltip>
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
          {row.lifecycle ?? NOT_SET}
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
    title: 'Audience',
    field: 'audience',
    render: row =>
      row.audience ? AUDIENCE_LABELS[row.audience] ?? row.audience : NOT_SET,
  },
  {
    title: 'Autonomy',
    field: 'autonomyLevel',
    render: row => <AutonomyLevelCell autonomyLevel={row.autonomyLevel} />,
  },
  { title: 'Risk tier', field: 'riskTier', emptyValue: NOT_SET },
  { title: 'Models', field: 'modelCount', type: 'numeric' },
];

/** The table of every Agent in the catalog. */
export function AgentTable(props: { rows: TableRow[] }) {
  const { rows } = props;
  return (
    <Table<TableRow>
      title={`Agents (${rows.length})`}
      columns={columns}
      data={rows}
      options={{
        padding: 'dense',
        search: true,
        paging: rows.length > 20,
        pageSize: 20,
      }}
      emptyContent={
        <Typography variant="body2" sx={{ p: 2 }}>
          No agents registered yet. Register one as an entity of kind Agent
          (apiVersion aiplatform.io/v1alpha1) that lists the model endpoints it
          uses in spec.models.
        </Typography>
      }
    />
  );
}
