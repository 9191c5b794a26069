import { Table, TableColumn } from '@backstage/core-components';
import Typography from '@mui/material/Typography';
import { FleetSummary, UnattributedTelemetry } from '../../api';
import { formatUtcMinute } from '@ai-platform/plugin-ai-platform-common';
import { formatUsd } from './fleetDisplay';
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

/** Says which part of a longer list the table shows. */
function pageCaption(
  unattributed: FleetSummary['unattributed'],
): string | undefined {
  const { items, total, offset = 0, order = 'requests' } = unattributed;
  if (total === undefined || total <= items.length) {
    return undefined;
  }
  const worst = order === 'cost' ? 'the highest cost' : 'the most requests';
  const first = offset + 1;
  const last = offset + items.length;
  return `Showing join keys ${first.toLocaleString(
    'en-US',
  )}–${last.toLocaleString('en-US')} of ${total.toLocaleString(
    'en-US',
  )}, ${worst} first. The API (GET /api/ai-platform/usage/unattributed with limit and offset) pages through the rest.`;
}

function UnattributedTelemetryContent(props: {
  allowed: boolean;
  items: UnattributedTelemetry[];
  caption?: string;
}) {
  const { allowed, items, caption } = props;
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
    <>
      {caption && (
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          {caption}
        </Typography>
      )}
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
    </>
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
      <UnattributedTelemetryContent
        allowed={allowed}
        items={items}
        caption={pageCaption(props.unattributed)}
      />
    </FleetPanel>
  );
}
