import { Table, TableColumn } from '@backstage/core-components';
import Typography from '@mui/material/Typography';
import {
  formatCount,
  formatUtcMinute,
} from '@ai-platform/plugin-ai-platform-common';
import { FleetRetiredEntities, RetiredFleetEntity } from '../../api';
import { FleetPanel } from './FleetPanel';

const columns: TableColumn<RetiredFleetEntity>[] = [
  {
    title: 'Entity',
    field: 'entityRef',
    highlight: true,
    // Not a link: the catalog no longer has the entity.
    render: row => (
      <Typography variant="body2" fontFamily="monospace">
        {row.entityRef}
      </Typography>
    ),
  },
  { title: 'Kind', field: 'kind' },
  {
    title: 'Last call',
    field: 'lastCallAt',
    render: row =>
      row.lastCallPrecision === 'hour'
        ? `hour of ${formatUtcMinute(row.lastCallAt)}`
        : formatUtcMinute(row.lastCallAt),
  },
  {
    title: 'Requests this month',
    field: 'requestsMtd',
    type: 'numeric',
    render: row => formatCount(row.requestsMtd),
  },
  {
    title: 'Tokens this month',
    field: 'inputTokensMtd',
    type: 'numeric',
    render: row => formatCount(row.inputTokensMtd + row.outputTokensMtd),
  },
];

function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** Whether the user may see retired entities and there are any. */
export function hasRetiredEntities(
  retired: FleetRetiredEntities | undefined,
): retired is FleetRetiredEntities {
  return (
    retired?.allowed === true &&
    retired.modelEndpointCount + retired.agentCount > 0
  );
}

/** "Retired: 2 endpoints, 1 agent". */
export function retiredTitle(retired: FleetRetiredEntities): string {
  const parts = [
    ...(retired.modelEndpointCount > 0 || retired.agentCount === 0
      ? [plural(retired.modelEndpointCount, 'endpoint', 'endpoints')]
      : []),
    ...(retired.agentCount > 0
      ? [plural(retired.agentCount, 'agent', 'agents')]
      : []),
  ];
  return `Retired: ${parts.join(', ')}`;
}

/**
 * ModelEndpoints and Agents whose telemetry history the backend keeps
 * after they left the catalog (decommissioned by the day-2 change template,
 * or deleted). Renders nothing when there are none, or when the user may
 * not see them (they need an unconditional `ai-platform.telemetry.read`).
 */
export function RetiredEntitiesPanel(props: {
  retired?: FleetRetiredEntities;
}) {
  const { retired } = props;
  if (!hasRetiredEntities(retired)) {
    return null;
  }
  const total = retired.modelEndpointCount + retired.agentCount;
  return (
    <FleetPanel
      title={retiredTitle(retired)}
      subtitle="No longer in the catalog; their telemetry history is kept and counted here, not in the fleet tables. No GPU cost is shown: a retired self-hosted endpoint's spec left the catalog with it."
    >
      {retired.items.length < total && (
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          {`The ${formatCount(
            retired.items.length,
          )} most recently called of ${formatCount(total)}.`}
        </Typography>
      )}
      <Table<RetiredFleetEntity>
        columns={columns}
        data={retired.items}
        options={{
          padding: 'dense',
          search: false,
          paging: retired.items.length > 10,
          pageSize: 10,
          toolbar: false,
        }}
      />
    </FleetPanel>
  );
}
