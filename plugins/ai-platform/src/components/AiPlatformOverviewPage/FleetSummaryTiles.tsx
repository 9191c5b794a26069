import { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import {
  AUTONOMY_LEVELS,
  AUTONOMY_LEVEL_DESCRIPTIONS,
} from '@ai-platform/plugin-ai-platform-common';
import { FleetSummary } from './aiPlatformFleet';

function SummaryTile(props: {
  label: string;
  value: number;
  detail?: ReactNode;
}) {
  const { label, value, detail } = props;
  return (
    <Card component="section" aria-label={label} sx={{ height: '100%' }}>
      <CardContent>
        <Typography variant="overline" color="text.secondary" component="h2">
          {label}
        </Typography>
        <Typography variant="h3" component="p">
          {value}
        </Typography>
        {detail}
      </CardContent>
    </Card>
  );
}

/** The counts at the top of the AI Platform page. */
export function FleetSummaryTiles(props: { summary: FleetSummary }) {
  const { summary } = props;
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} sm={6} md={2}>
        <SummaryTile
          label="Model endpoints"
          value={summary.modelEndpointCount}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={2}>
        <SummaryTile
          label="Self-hosted"
          value={summary.selfHostedEndpointCount}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={2}>
        <SummaryTile label="Managed" value={summary.managedEndpointCount} />
      </Grid>
      <Grid item xs={12} sm={6} md={2}>
        <SummaryTile label="Agents" value={summary.agentCount} />
      </Grid>
      <Grid item xs={12} md={4}>
        <Card
          component="section"
          aria-label="Agents by autonomy level"
          sx={{ height: '100%' }}
        >
          <CardContent>
            <Typography
              variant="overline"
              color="text.secondary"
              component="h2"
            >
              Agents by autonomy level
            </Typography>
            <Box component="ul" sx={{ m: 0, p: 0, listStyle: 'none' }}>
              {AUTONOMY_LEVELS.map(level => (
                <Typography
                  key={level}
                  component="li"
                  variant="body2"
                  title={`${AUTONOMY_LEVEL_DESCRIPTIONS[level].title}: ${AUTONOMY_LEVEL_DESCRIPTIONS[level].description}`}
                >
                  <strong>{level}</strong>{' '}
                  {summary.agentCountByAutonomyLevel[level]}
                </Typography>
              ))}
              {summary.agentsWithoutAutonomyLevelCount > 0 && (
                <Typography component="li" variant="body2">
                  <strong>Not set</strong>{' '}
                  {summary.agentsWithoutAutonomyLevelCount}
                </Typography>
              )}
            </Box>
          </CardContent>
        </Card>
      </Grid>
    </Grid>
  );
}
