import Chip from '@mui/material/Chip';
import { ScorecardCheckStatus } from '../../api';
import { checkStatusLabels } from '../EntityScorecard/scorecardDisplay';

const levelColors: Record<string, { background: string; text: string }> = {
  bronze: { background: '#a97142', text: '#fff' },
  silver: { background: '#8d9399', text: '#fff' },
  gold: { background: '#c9a227', text: '#1d1d1d' },
};

/**
 * The scorecard level an entity reached (bronze, silver, gold, or none).
 *
 * @internal
 */
export function ScorecardLevelBadge(props: { level: string | null }) {
  const { level } = props;
  const colors = level
    ? levelColors[level.toLocaleLowerCase('en-US')]
    : undefined;
  const label = level
    ? `${level.charAt(0).toLocaleUpperCase('en-US')}${level.slice(1)}`
    : 'No level';
  return (
    <Chip
      aria-label={`Level: ${level ?? 'none'}`}
      label={label}
      variant={level ? 'filled' : 'outlined'}
      sx={
        colors
          ? {
              backgroundColor: colors.background,
              color: colors.text,
              fontWeight: 'bold',
            }
          : { fontWeight: 'bold' }
      }
    />
  );
}

const statusColors = {
  pass: 'success',
  warn: 'warning',
  fail: 'error',
  'not-enough-data': 'default',
  'source-unavailable': 'warning',
} as const;

/**
 * The status of one scorecard check as a coloured chip.
 *
 * @internal
 */
export function CheckStatusChip(props: { status: ScorecardCheckStatus }) {
  return (
    <Chip
      size="small"
      color={statusColors[props.status]}
      variant={
        props.status === 'not-enough-data' ||
        props.status === 'source-unavailable'
          ? 'outlined'
          : 'filled'
      }
      label={checkStatusLabels[props.status]}
    />
  );
}
