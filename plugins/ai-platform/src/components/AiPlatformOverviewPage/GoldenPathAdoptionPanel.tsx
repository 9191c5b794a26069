import { BarChart } from '@mui/x-charts/BarChart';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { FleetSummary } from '../../api';
import { entityName } from './fleetDisplay';
import { FleetPanel } from './FleetPanel';

/**
 * Entities created per golden-path template, per week of the GitOps commit
 * that added them.
 */
export function GoldenPathAdoptionPanel(props: {
  goldenPaths: FleetSummary['goldenPaths'];
}) {
  const { templates, adoptionByWeek } = props.goldenPaths;
  const weeks = [...new Set(adoptionByWeek.map(row => row.weekStart))].sort();
  const templateRefs = templates.map(template => template.templateRef);
  const undated = templates.reduce(
    (sum, template) => sum + template.undatedEntityCount,
    0,
  );
  return (
    <FleetPanel
      title="Golden-path adoption"
      subtitle="Entities created per template (backstage.io/source-template), per week of the GitOps commit that added them"
    >
      {templates.length === 0 ? (
        <Typography variant="body2">
          No entity in the catalog was created by a template yet. Entities a
          golden-path template creates carry the backstage.io/source-template
          annotation; run one from Create to see it here.
        </Typography>
      ) : (
        <>
          <Box
            component="ul"
            aria-label="Entities per template"
            sx={{ m: 0, mb: 1, p: 0, listStyle: 'none' }}
          >
            {templates.map(template => (
              <Typography
                component="li"
                variant="body2"
                key={template.templateRef}
              >
                <EntityRefLink
                  entityRef={template.templateRef}
                  defaultKind="template"
                  hideIcon
                />
                : <strong>{template.entityCount}</strong>{' '}
                {template.entityCount === 1 ? 'entity' : 'entities'}
                {template.undatedEntityCount > 0 &&
                  ` (${template.undatedEntityCount} without a GitOps commit time)`}
              </Typography>
            ))}
          </Box>
          {weeks.length > 0 ? (
            <figure
              style={{ margin: 0 }}
              aria-label={`Entities created per week: ${weeks
                .map(
                  week =>
                    `week of ${week}: ${adoptionByWeek
                      .filter(row => row.weekStart === week)
                      .reduce((sum, row) => sum + row.entityCount, 0)}`,
                )
                .join(', ')}`}
            >
              <BarChart
                height={240}
                xAxis={[
                  {
                    scaleType: 'band',
                    data: weeks,
                    valueFormatter: (week: string) => `wk ${week.slice(5)}`,
                  },
                ]}
                yAxis={[{ label: 'entities', tickMinStep: 1 }]}
                series={templateRefs.map(templateRef => ({
                  label: entityName(templateRef),
                  stack: 'created',
                  data: weeks.map(
                    week =>
                      adoptionByWeek.find(
                        row =>
                          row.weekStart === week &&
                          row.templateRef === templateRef,
                      )?.entityCount ?? 0,
                  ),
                }))}
                margin={{ left: 50, right: 10, top: 50, bottom: 30 }}
              />
            </figure>
          ) : null}
          {undated > 0 && (
            <Typography variant="caption" color="text.secondary">
              {undated} template-created{' '}
              {undated === 1 ? 'entity has' : 'entities have'} no GitOps commit
              time (registered outside the GitOps repository), so no week.
            </Typography>
          )}
        </>
      )}
    </FleetPanel>
  );
}
