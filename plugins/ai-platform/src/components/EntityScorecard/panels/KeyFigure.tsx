import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { ReactNode } from 'react';

/** Where the month-to-date usage figures come from. */
export const MONTH_TO_DATE_USAGE = 'month-to-date · from gateway telemetry';

/** A derived number (not a check): label, value and where it comes from. */
export function KeyFigure(props: {
  label: string;
  value: string;
  detail: ReactNode;
}) {
  return (
    <Box role="group" aria-label={props.label} sx={{ minWidth: 180 }}>
      <Typography variant="overline" color="text.secondary">
        {props.label}
      </Typography>
      <Typography
        variant="h6"
        component="p"
        sx={{ fontVariantNumeric: 'tabular-nums' }}
      >
        {props.value}
      </Typography>
      <Typography variant="caption" color="text.secondary" component="div">
        {props.detail}
      </Typography>
    </Box>
  );
}
