import { ReactNode } from 'react';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import { NOT_SET } from './aiEntityDisplay';

/** One labelled value in an overview card. */
export function AiEntityField(props: {
  label: string;
  /** The value; `undefined`, `null` and `''` show as "—". */
  value?: ReactNode;
  /** Grid columns out of 12 on medium screens and up (default 4). */
  mdColumns?: number;
  /** Show the value in a monospace font (identifiers, aliases). */
  monospace?: boolean;
}) {
  const { label, value, mdColumns = 4, monospace } = props;
  const isEmpty = value === undefined || value === null || value === '';
  const labelId = `ai-entity-field-${label
    .toLocaleLowerCase('en-US')
    .replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <Grid
      item
      xs={12}
      sm={6}
      md={mdColumns}
      role="group"
      aria-labelledby={labelId}
    >
      <Typography
        id={labelId}
        variant="overline"
        color="text.secondary"
        component="div"
        sx={{ lineHeight: 1.6 }}
      >
        {label}
      </Typography>
      <Typography
        variant="body2"
        component="div"
        fontFamily={monospace && !isEmpty ? 'monospace' : undefined}
        sx={{ wordBreak: 'break-word' }}
      >
        {isEmpty ? NOT_SET : value}
      </Typography>
    </Grid>
  );
}

/** A grid of {@link AiEntityField}s. */
export function AiEntityFieldGrid(props: { children: ReactNode }) {
  return (
    <Grid container spacing={2}>
      {props.children}
    </Grid>
  );
}
