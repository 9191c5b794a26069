import { InfoCard } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { ReactNode } from 'react';
import { EntityScorecard, ScorecardCheck } from '../../../api';
import { ScorecardPanelDefinition } from '../scorecardDisplay';
import { CheckResult } from './CheckResult';

/** What every panel of the scorecard tab gets. */
export interface ScorecardPanelProps {
  panel: ScorecardPanelDefinition;
  /** The panel's checks, in display order. */
  checks: ScorecardCheck[];
  scorecard: EntityScorecard;
}

/**
 * The frame of a panel: its checks (or what to declare to get some), then
 * the panel's key figures, further details and trend when it has them.
 */
export function ScorecardPanel(
  props: ScorecardPanelProps & {
    figures?: ReactNode;
    details?: ReactNode;
    trend?: ReactNode;
  },
) {
  const { panel, checks, scorecard, figures, details, trend } = props;
  return (
    <InfoCard title={panel.title}>
      <section aria-label={`${panel.title} panel`}>
        {checks.length === 0 ? (
          <Typography variant="body2" color="text.secondary">
            {panel.whenEmpty}
          </Typography>
        ) : (
          checks.map(check => (
            <CheckResult
              key={check.checkId}
              check={check}
              history={scorecard.history}
            />
          ))
        )}
        {figures && (
          <Stack
            direction="row"
            spacing={3}
            flexWrap="wrap"
            useFlexGap
            sx={{ mt: 2 }}
          >
            {figures}
          </Stack>
        )}
        {details && <Box sx={{ mt: 2 }}>{details}</Box>}
        {trend && <Box sx={{ mt: 2 }}>{trend}</Box>}
      </section>
    </InfoCard>
  );
}
