import {
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/core-plugin-api';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  aiPlatformApiRef,
  isPermissionDeniedError,
  OwnedEntityScorecard,
  ScorecardCheck,
} from '../../api';
import { EstimateChip } from '../CostBasis';
import { CheckStatusChip, ScorecardLevelBadge } from '../ScorecardStatus';
import {
  formatCheckValue,
  weakestEvalCheck,
} from '../EntityScorecard/scorecardDisplay';

const levelRank: Record<string, number> = { bronze: 1, silver: 2, gold: 3 };

/** One table row: an owned entity with the checks the columns show. */
interface TeamScorecardRow {
  item: OwnedEntityScorecard;
  levelRank: number;
  spend?: ScorecardCheck;
  ttft?: ScorecardCheck;
  evalScore?: ScorecardCheck;
  failingChecks: number;
}

function toRow(item: OwnedEntityScorecard): TeamScorecardRow {
  return {
    item,
    levelRank: item.level
      ? levelRank[item.level.toLocaleLowerCase('en-US')] ?? 0
      : 0,
    spend: item.checks.find(check => check.checkId === 'budget-mtd'),
    ttft: item.checks.find(check => check.checkId === 'ttft-p95'),
    evalScore: weakestEvalCheck(item.checks),
    failingChecks: item.checks.filter(check => check.status === 'fail').length,
  };
}

/**
 * A check's value, right-aligned after its status so the numbers line up;
 * marked as an estimate when the backend estimated it from the spec (the
 * GPU cost of a self-hosted endpoint without Prometheus).
 */
function CheckCell(props: { check?: ScorecardCheck }) {
  const { check } = props;
  if (!check) {
    return (
      <Typography variant="body2" color="text.secondary">
        —
      </Typography>
    );
  }
  return (
    <Stack
      direction="row"
      spacing={1}
      alignItems="center"
      justifyContent="flex-end"
      sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}
    >
      <CheckStatusChip status={check.status} />
      <span>{formatCheckValue(check.checkId, check.value)}</span>
      {check.source === 'spec-estimate' && <EstimateChip />}
    </Stack>
  );
}

/**
 * Sorts by a check's value; rows without that check or without a value go
 * last in both directions (material-table passes `desc` with the rows
 * swapped when sorting descending).
 */
function byCheckValue(key: 'spend' | 'ttft' | 'evalScore') {
  return (
    a: TeamScorecardRow,
    b: TeamScorecardRow,
    _type?: 'row' | 'group',
    direction?: 'asc' | 'desc',
  ) => {
    const aValue = a[key]?.value ?? null;
    const bValue = b[key]?.value ?? null;
    if (aValue === null || bValue === null) {
      if (aValue === bValue) return 0;
      const missingLast = aValue === null ? 1 : -1;
      return direction === 'desc' ? -missingLast : missingLast;
    }
    return aValue - bValue;
  };
}

function EntityNameLink(props: { item: OwnedEntityScorecard }) {
  const entityRoute = useRouteRef(entityRouteRef);
  return (
    <Link to={entityRoute(entityRouteParams(props.item.entityRef))}>
      {props.item.title}
    </Link>
  );
}

/**
 * The "AI scorecards" tab of a Group: every ModelEndpoint and Agent the group
 * and its sub-groups own, with grade, month-to-date spend, TTFT p95 and eval
 * score; sortable, with a filter to the failing ones. One request.
 *
 * @public
 */
export function GroupAiScorecardsContent() {
  const { entity } = useEntity();
  const aiPlatformApi = useApi(aiPlatformApiRef);
  const ownerRef = stringifyEntityRef(entity);
  const [onlyFailing, setOnlyFailing] = useState(false);
  const { value, loading, error } = useAsync(
    () => aiPlatformApi.getOwnerScorecards(ownerRef),
    [aiPlatformApi, ownerRef],
  );

  if (loading) {
    return <Progress />;
  }
  if (error) {
    if (isPermissionDeniedError(error)) {
      return (
        <WarningPanel
          severity="info"
          title="Permission denied"
          defaultExpanded
          message={`You are not allowed to read the AI scorecards of ${ownerRef}. Ask your Backstage administrators for the ai-platform.telemetry.read permission.`}
        />
      );
    }
    return <ResponseErrorPanel error={error} />;
  }

  const rows = (value?.items ?? []).map(toRow);
  const shown = onlyFailing ? rows.filter(row => row.failingChecks > 0) : rows;
  const columns: TableColumn<TeamScorecardRow>[] = [
    {
      title: 'Name',
      field: 'item.title',
      highlight: true,
      // Entity titles run long (`Claude Sonnet 4.5 (Anthropic via gateway)`).
      cellStyle: { minWidth: 200 },
      render: row => <EntityNameLink item={row.item} />,
    },
    {
      title: 'Kind',
      field: 'item.kind',
    },
    {
      title: 'Owner',
      field: 'item.owner',
      render: row =>
        row.item.owner ? parseEntityRef(row.item.owner).name : '—',
    },
    {
      title: 'Grade',
      field: 'levelRank',
      customSort: (a, b) => a.levelRank - b.levelRank,
      render: row => <ScorecardLevelBadge level={row.item.level} />,
    },
    {
      title: 'Spend (month to date)',
      align: 'right',
      customSort: byCheckValue('spend'),
      render: row => <CheckCell check={row.spend} />,
    },
    {
      title: 'TTFT p95',
      align: 'right',
      customSort: byCheckValue('ttft'),
      render: row => <CheckCell check={row.ttft} />,
    },
    {
      title: 'Eval score',
      align: 'right',
      customSort: byCheckValue('evalScore'),
      render: row => <CheckCell check={row.evalScore} />,
    },
    {
      title: 'Failing checks',
      field: 'failingChecks',
      type: 'numeric',
    },
  ];

  return (
    <Stack spacing={1}>
      <FormControlLabel
        control={
          <Switch
            checked={onlyFailing}
            onChange={event => setOnlyFailing(event.target.checked)}
          />
        }
        label={`Only failing (${
          rows.filter(row => row.failingChecks > 0).length
        } of ${rows.length})`}
      />
      <Table<TeamScorecardRow>
        title={`AI scorecards (${value?.groups.length ?? 1} group${
          (value?.groups.length ?? 1) === 1 ? '' : 's'
        })`}
        options={{ paging: false, search: true, padding: 'dense' }}
        columns={columns}
        data={shown}
        emptyContent={
          <Typography sx={{ p: 2 }} color="text.secondary">
            {onlyFailing
              ? 'No failing model endpoints or agents.'
              : 'This group and its sub-groups own no model endpoints or agents you may read.'}
          </Typography>
        }
      />
    </Stack>
  );
}
