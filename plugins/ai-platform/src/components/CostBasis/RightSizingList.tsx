import type { RightSizingRecommendation } from '@ai-platform/plugin-ai-platform-common';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { ReactNode } from 'react';
import { formatUsd } from '../EntityScorecard/scorecardDisplay';
import { describeRightSizingChange } from './costBasis';

/** What the portal does with a recommendation: nothing by itself. */
export const RIGHT_SIZING_NOTE =
  'Recommendations only: the portal never changes anything by itself. Change the entity spec through its repository to apply one.';

/**
 * Right-sizing recommendations: the change (from → to), the monthly saving
 * at list prices in whole dollars and why it is safe; `subject` names the endpoint on pages
 * that list several.
 *
 * @internal
 */
export function RightSizingList(props: {
  items: Array<{
    key: string;
    subject?: ReactNode;
    recommendation: RightSizingRecommendation;
  }>;
}) {
  return (
    <Box>
      <Box component="ul" sx={{ m: 0, pl: 2 }}>
        {props.items.map(({ key, subject, recommendation }) => (
          <Typography
            component="li"
            variant="body2"
            key={key}
            aria-label={`Recommendation: ${describeRightSizingChange(
              recommendation,
            )}`}
            sx={{ mb: 1 }}
          >
            {subject && <>{subject}: </>}
            <strong>{describeRightSizingChange(recommendation)}</strong>, saves{' '}
            <strong>
              {formatUsd(Math.round(recommendation.monthlySavingUsd))}
            </strong>{' '}
            a month (730 h at list prices)
            <Typography
              component="span"
              variant="body2"
              color="text.secondary"
              display="block"
            >
              {recommendation.reason}
            </Typography>
          </Typography>
        ))}
      </Box>
      <Typography variant="caption" color="text.secondary" component="p">
        {RIGHT_SIZING_NOTE}
      </Typography>
    </Box>
  );
}
