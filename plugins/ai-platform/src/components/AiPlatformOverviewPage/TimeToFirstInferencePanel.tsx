import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@mui/material/Box';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { FleetSummary, GoldenPathEntity } from '../../api';
import {
  formatDurationMs,
  formatUtcMinute,
} from '@ai-platform/plugin-ai-platform-common';
import { compareNullableNumbers } from './fleetDisplay';
import { FleetPanel } from './FleetPanel';

function FirstInferenceCell(props: { row: GoldenPathEntity }) {
  const { row } = props;
  if (!row.telemetryReadable) {
    return <>No permission to read its telemetry</>;
  }
  if (row.timeToFirstInferenceMs === null) {
    if (row.firstTelemetryAt === null) {
      return (
        <Typography variant="body2" color="text.secondary">
          No traffic yet
        </Typography>
      );
    }
    return (
      <>First call {formatUtcMinute(row.firstTelemetryAt)}; no commit time</>
    );
  }
  const text = formatDurationMs(row.timeToFirstInferenceMs);
  return row.firstTelemetryPrecision === 'hour' ? (
    <Tooltip title="The raw events of the first hour were deleted by retention; measured to the start of that hour.">
      <span>≈ {text}</span>
    </Tooltip>
  ) : (
    <>{text}</>
  );
}

const columns: TableColumn<GoldenPathEntity>[] = [
  {
    title: 'Entity',
    field: 'title',
    highlight: true,
    render: row => (
      <EntityRefLink entityRef={row.entityRef} hideIcon>
        {row.title}
      </EntityRefLink>
    ),
  },
  {
    title: 'Template run',
    field: 'createdAt',
    render: row => (row.createdAt ? formatUtcMinute(row.createdAt) : '—'),
  },
  {
    title: 'Time to first inference',
    field: 'timeToFirstInferenceMs',
    customSort: (a, b) =>
      compareNullableNumbers(
        a.timeToFirstInferenceMs,
        b.timeToFirstInferenceMs,
      ),
    render: row => <FirstInferenceCell row={row} />,
  },
];

/**
 * Template run (the GitOps commit) to the first telemetry event of each
 * template-created entity, with the median.
 */
export function TimeToFirstInferencePanel(props: {
  goldenPaths: FleetSummary['goldenPaths'];
}) {
  const { entities, timeToFirstInference } = props.goldenPaths;
  const { medianMs, withTrafficCount, withoutTrafficCount, undatedCount } =
    timeToFirstInference;
  return (
    <FleetPanel
      title="Time to first inference"
      subtitle="From the template run (the GitOps commit that added the entity) to the entity's first telemetry event"
    >
      {entities.length === 0 ? (
        <Typography variant="body2">
          No template-created entities yet, so nothing to measure.
        </Typography>
      ) : (
        <>
          <Box
            role="group"
            aria-label="Median time to first inference"
            sx={{ mb: 2 }}
          >
            <Typography variant="overline" color="text.secondary">
              Median
            </Typography>
            <Typography variant="h4" component="p">
              {medianMs === null ? '—' : formatDurationMs(medianMs)}
            </Typography>
            <Typography variant="caption" color="text.secondary">
              over {withTrafficCount}{' '}
              {withTrafficCount === 1 ? 'entity' : 'entities'} with traffic;{' '}
              {withoutTrafficCount} with no traffic yet
              {undatedCount > 0
                ? `; ${undatedCount} without a commit time`
                : ''}
            </Typography>
          </Box>
          <Table<GoldenPathEntity>
            title="Per entity"
            columns={columns}
            data={entities}
            options={{
              padding: 'dense',
              search: false,
              paging: entities.length > 10,
              pageSize: 10,
              toolbar: false,
            }}
          />
        </>
      )}
    </FleetPanel>
  );
}
