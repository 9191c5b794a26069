import { Table, TableColumn } from '@backstage/core-components';
import Typography from '@mui/material/Typography';
import { FleetSummary, UnattributedTelemetry } from '../../api';
import { formatUsd, formatUtcMinute } from './fleetDisplay';
import { FleetPanel } from './FleetPanel';

const columns: TableColumn<UnattributedTelemetry>[] = [
  {
    title: 'Join key',
    field: 'joinKey',
    highlight: true,
    render: row => (
      <Typography variant="body2" fontFamily="monospace">
        {row.joinKey}
      </Typography>
    ),
  },
  {
    title: 'Kind',
    field: 'joinKeyKind',
    render: row =>
      row.joinKeyKind === 'agent' ? 'Gateway agent id' : 'Gateway model alias',
  },
  { title: 'Requests', field: 'requests', type: 'numeric' },
  {
    title: 'Cost',
    field: 'costUsd',
    type: 'numeric',
    render: row => formatUsd(row.costUsd),
  },
  {
    title: 'Last seen',
    field: 'lastSeenHourStart',
    render: row => `hour of ${formatUtcMinute(row.lastSeenHourStart)}`,
  },
  { title: 'How to fix', field: 'fixHint', sorting: false },
];

function UnattributedTelemetryContent(props: {
  allowed: boolean;
  items: UnattributedTelemetry[];
}) {
  const { allowed, items } = props;
  if (!allowed) {
    return (
      <Typography variant="body2">
        You may not read telemetry that belongs to no entity: it needs an
        unconditional ai-platform.telemetry.read permission.
      </Typography>
    );
  }
  if (items.length === 0) {
    return (
      <Typography variant="body2">
        Every call in this window was matched to a ModelEndpoint or Agent.
      </Typography>
    );
  }
  return (
    <Table<UnattributedTelemetry>
      columns={columns}
      data={items}
      options={{
        padding: 'dense',
        search: false,
        paging: items.length > 10,
        pageSize: 10,
        toolbar: false,
      }}
    />
  );
}

/**
 * Telemetry no catalog entity claimed, per join key, with the spec field
 * that would claim it.
 */
export function UnattributedTelemetryPanel(props: {
  unattributed: FleetSummary['unattributed'];
}) {
  const { allowed, window, items } = props.unattributed;
  return (
    <FleetPanel
      title="Unattributed telemetry"
      subtitle={`Calls since ${formatUtcMinute(
        window.from,
      )} whose gateway model alias or agent id no entity declares; they are kept and counted, not dropped.`}
    >
      <UnattributedTelemetryContent allowed={allowed} items={items} />
    </FleetPanel>
  );
}
