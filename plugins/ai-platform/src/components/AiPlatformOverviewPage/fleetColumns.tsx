import { TableColumn } from '@backstage/core-components';
import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { ScorecardCheckStatus } from '../../api';
import { FleetNumbers } from './aiPlatformFleet';
import { formatMs } from '@ai-platform/plugin-ai-platform-common';
import { compareNullableNumbers, formatUsd } from './fleetDisplay';
import { CostBasisLabel } from '../CostBasis';

const NOT_SET = '—';

/** Levels of the default ladder, best first; others sort after them. */
const LEVEL_ORDER = ['gold', 'silver', 'bronze'];

function levelRank(level: string | null): number {
  if (level === null) {
    return LEVEL_ORDER.length + 1;
  }
  const index = LEVEL_ORDER.indexOf(level);
  return index === -1 ? LEVEL_ORDER.length : index;
}

const STATUS_COLOR: Partial<Record<ScorecardCheckStatus, string>> = {
  pass: 'success.main',
  warn: 'warning.main',
  fail: 'error.main',
};

function NoTelemetryAccess() {
  return (
    <Tooltip title="You may not read this entity's telemetry (ai-platform.telemetry.read)">
      <span>no access</span>
    </Tooltip>
  );
}

function StatusValue(props: {
  text: string;
  status: ScorecardCheckStatus | null;
  title?: string;
}) {
  const { text, status, title } = props;
  return (
    <Typography
      variant="body2"
      title={title}
      sx={{ color: status ? STATUS_COLOR[status] : undefined }}
    >
      {text}
      {status && status !== 'pass' ? ` (${status})` : ''}
    </Typography>
  );
}

/**
 * Month-to-date spend with its basis (`GPU · Prometheus`, `GPU · estimate`
 * with an estimate chip, `gateway`); why it is missing when the backend
 * says.
 */
function SpendCell(props: { row: FleetNumbers }) {
  const { row } = props;
  const basis = row.fleet?.costBasis ?? null;
  const reason = row.fleet?.costUnavailableReason ?? null;
  if (row.spendMtdUsd === null) {
    return reason ? (
      <Tooltip title={reason}>
        <Typography variant="body2" color="warning.main">
          unavailable
        </Typography>
      </Tooltip>
    ) : (
      <>{NOT_SET}</>
    );
  }
  return (
    <>
      {formatUsd(row.spendMtdUsd)}
      {basis && (
        <Typography component="div" variant="caption">
          <CostBasisLabel basis={basis} short />
        </Typography>
      )}
    </>
  );
}

/**
 * The grade, spend, TTFT and eval columns shared by the endpoint and agent
 * tables; nulls (no data) sort last.
 */
export function scorecardColumns<T extends FleetNumbers>(): TableColumn<T>[] {
  return [
    {
      title: 'Grade',
      field: 'level',
      customSort: (a, b) => levelRank(a.level) - levelRank(b.level),
      render: row =>
        row.level ? (
          <Chip size="small" label={row.level} variant="outlined" />
        ) : (
          NOT_SET
        ),
    },
    {
      title: 'Spend MTD',
      cellStyle: { whiteSpace: 'nowrap' },
      field: 'spendMtdUsd',
      type: 'numeric',
      customSort: (a, b) =>
        compareNullableNumbers(a.spendMtdUsd, b.spendMtdUsd),
      render: row => {
        if (row.fleet && !row.fleet.telemetryReadable) {
          return <NoTelemetryAccess />;
        }
        return <SpendCell row={row} />;
      },
    },
    {
      title: 'TTFT p95',
      cellStyle: { whiteSpace: 'nowrap' },
      field: 'ttftP95Ms',
      type: 'numeric',
      customSort: (a, b) => compareNullableNumbers(a.ttftP95Ms, b.ttftP95Ms),
      render: row =>
        row.ttftP95Ms === null ? (
          NOT_SET
        ) : (
          <StatusValue
            text={formatMs(row.ttftP95Ms)}
            status={row.fleet?.ttftStatus ?? null}
          />
        ),
    },
    {
      title: 'Eval',
      cellStyle: { whiteSpace: 'nowrap' },
      field: 'evalScore',
      type: 'numeric',
      customSort: (a, b) => compareNullableNumbers(a.evalScore, b.evalScore),
      render: row =>
        row.evalScore === null ? (
          NOT_SET
        ) : (
          <StatusValue
            text={row.evalScore.toFixed(2)}
            status={row.fleet?.evalStatus ?? null}
            title={row.fleet?.evalSuite ?? undefined}
          />
        ),
    },
  ];
}
