import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { EntityScorecard, ScorecardCheckStatus } from '../../../api';
import { checkLabel, checkStatusLabels } from '../scorecardDisplay';

/** The stored evaluations of a scorecard, newest first. */
export type ScorecardHistory = EntityScorecard['history'];

/** Each status's swatch, as a theme palette key. */
const statusSwatch: Record<ScorecardCheckStatus, string> = {
  pass: 'success.main',
  warn: 'warning.main',
  fail: 'error.main',
  'not-enough-data': 'grey.500',
  'source-unavailable': 'grey.500',
};

/** The statuses of one check over the stored evaluations, oldest first. */
export function CheckHistory(props: {
  checkId: string;
  history: ScorecardHistory;
}) {
  const statuses = [...props.history]
    .reverse()
    .map(entry => ({
      evaluatedAt: entry.evaluatedAt,
      status: entry.checks.find(check => check.checkId === props.checkId)
        ?.status,
    }))
    .filter(
      (entry): entry is { evaluatedAt: string; status: ScorecardCheckStatus } =>
        Boolean(entry.status),
    );
  if (statuses.length < 2) {
    return null;
  }
  return (
    <Stack direction="row" spacing={1} alignItems="center" sx={{ mt: 0.5 }}>
      <Typography variant="caption" color="text.secondary">
        Last {statuses.length} evaluations
      </Typography>
      <Stack
        direction="row"
        spacing={0.25}
        role="img"
        aria-label={`History of ${checkLabel(props.checkId)}: ${statuses
          .map(entry => entry.status)
          .join(', ')}`}
      >
        {statuses.map(entry => (
          <Tooltip
            key={entry.evaluatedAt}
            title={`${entry.evaluatedAt}: ${checkStatusLabels[entry.status]}`}
          >
            <Box
              sx={{
                width: 6,
                height: 14,
                borderRadius: 0.5,
                backgroundColor: statusSwatch[entry.status],
              }}
            />
          </Tooltip>
        ))}
      </Stack>
    </Stack>
  );
}
