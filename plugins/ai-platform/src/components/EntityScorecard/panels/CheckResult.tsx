import { formatUtcMinute } from '@ai-platform/plugin-ai-platform-common';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { ScorecardCheck } from '../../../api';
import { CheckStatusChip } from '../../ScorecardStatus';
import {
  checkLabel,
  formatCheckSource,
  formatCheckThreshold,
  formatCheckValue,
} from '../scorecardDisplay';
import { CheckHistory, ScorecardHistory } from './CheckHistory';

/** A source caption such as `from Prometheus`. */
function SourceCaption(props: { children?: string }) {
  if (!props.children) {
    return null;
  }
  return (
    <Typography
      component="span"
      variant="caption"
      color="text.secondary"
      sx={{ fontStyle: 'italic' }}
    >
      {props.children}
    </Typography>
  );
}

/**
 * One check: label, status, value with its source, threshold and window,
 * message, and its status over the stored evaluations.
 */
export function CheckResult(props: {
  check: ScorecardCheck;
  history: ScorecardHistory;
}) {
  const { check, history } = props;
  const label = checkLabel(check.checkId);
  const isRegression =
    check.checkId.startsWith('eval-regression:') && check.status === 'fail';
  const unavailable = check.status === 'source-unavailable';
  return (
    <Box
      role="group"
      aria-label={label}
      sx={{ py: 1.5, borderBottom: 1, borderColor: 'divider' }}
    >
      <Stack direction="row" spacing={1} alignItems="center" flexWrap="wrap">
        <Typography variant="subtitle2">{label}</Typography>
        <CheckStatusChip status={check.status} />
        {isRegression && (
          <Typography variant="caption" color="error" fontWeight="bold">
            Regression
          </Typography>
        )}
      </Stack>
      <Typography
        variant="h6"
        component="p"
        sx={{ fontVariantNumeric: 'tabular-nums' }}
      >
        {formatCheckValue(check.checkId, check.value)}{' '}
        <SourceCaption>
          {formatCheckSource(check.source, check.category)}
        </SourceCaption>
        <Typography component="span" variant="body2" color="text.secondary">
          {' '}
          · {formatCheckThreshold(check.checkId, check.threshold)} · window{' '}
          {check.window}
        </Typography>
      </Typography>
      <Typography
        variant="body2"
        color={unavailable ? 'warning.main' : 'text.secondary'}
        // Messages quote PromQL selectors, which have no spaces to break at.
        sx={{ overflowWrap: 'anywhere' }}
      >
        {check.message}
      </Typography>
      {unavailable && check.lastAvailable && (
        <Typography
          variant="body2"
          color="text.secondary"
          aria-label="Last good value"
        >
          Last good value:{' '}
          <strong>
            {formatCheckValue(check.checkId, check.lastAvailable.value)}
          </strong>{' '}
          {formatCheckSource(check.lastAvailable.source, check.category)} at{' '}
          {formatUtcMinute(check.lastAvailable.evaluatedAt)} (
          {check.lastAvailable.status})
        </Typography>
      )}
      <CheckHistory checkId={check.checkId} history={history} />
    </Box>
  );
}
