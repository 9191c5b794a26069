import { RELATION_OWNED_BY } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  EntityRefLink,
  EntityRefLinks,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { RELATION_MODEL_USED_BY } from '@ai-platform/plugin-ai-platform-common';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useRelatedEntities } from '../../hooks/useRelatedEntities';
import {
  AGENT_AUDIENCE_LABELS,
  NOT_SET,
  describeAutonomyLevel,
  readRelationTargets,
} from '../AiEntityFields';

/**
 * The agents that use the ModelEndpoint entity in context (its `modelUsedBy`
 * relations), each linked to its page, with owner, audience and autonomy level.
 *
 * @public
 */
export function EntityModelEndpointAgentsCard() {
  const { entity } = useEntity();
  const {
    loading,
    error,
    value: agents,
  } = useRelatedEntities(entity, RELATION_MODEL_USED_BY);

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!agents || agents.length === 0) {
    content = (
      <Typography variant="body2">
        No agent uses this model endpoint yet. Agents declare the model
        endpoints they use in <code>spec.models</code>.
      </Typography>
    );
  } else {
    content = (
      <Table size="small" aria-label="Agents using this model endpoint">
        <TableHead>
          <TableRow>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>Agent</TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>Owner</TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>Audience</TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>Autonomy</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {agents.map(({ ref, refString, entity: agent }) => {
            const spec = (agent?.spec ?? {}) as Record<string, unknown>;
            const owners = agent
              ? readRelationTargets(agent, RELATION_OWNED_BY)
              : [];
            const autonomyLevel =
              typeof spec.autonomyLevel === 'string'
                ? spec.autonomyLevel
                : undefined;
            const audience =
              typeof spec.audience === 'string' ? spec.audience : undefined;
            const meaning = autonomyLevel
              ? describeAutonomyLevel(autonomyLevel)
              : undefined;
            return (
              <TableRow key={refString}>
                <TableCell>
                  <EntityRefLink entityRef={agent ?? ref} />
                  {!agent && (
                    <Typography variant="caption" color="error" component="div">
                      Not found in the catalog
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  {owners.length > 0 ? (
                    <EntityRefLinks entityRefs={owners} defaultKind="group" />
                  ) : (
                    NOT_SET
                  )}
                </TableCell>
                <TableCell>
                  {audience
                    ? AGENT_AUDIENCE_LABELS[audience] ?? audience
                    : NOT_SET}
                </TableCell>
                <TableCell>
                  {autonomyLevel && meaning ? (
                    <Tooltip title={meaning.description}>
                      <span>
                        {autonomyLevel} · {meaning.title}
                      </span>
                    </Tooltip>
                  ) : (
                    NOT_SET
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    );
  }

  return (
    <InfoCard title="Agents using this model endpoint">{content}</InfoCard>
  );
}
