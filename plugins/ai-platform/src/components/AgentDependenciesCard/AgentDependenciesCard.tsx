import { RELATION_CONSUMES_API } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { RELATION_USES_MODEL } from '@ai-platform/plugin-ai-platform-common';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { ReactNode } from 'react';
import {
  RelatedEntity,
  useRelatedEntities,
} from '../../hooks/useRelatedEntities';
import { NOT_SET, describeModelServing } from '../AiEntityFields';
import { DataClassificationChip } from '../DataClassificationChip';

function RelatedEntityLink(props: { related: RelatedEntity }) {
  const { ref, entity } = props.related;
  return (
    <>
      <EntityRefLink entityRef={entity ?? ref} />
      {!entity && (
        <Typography variant="caption" color="error" component="div">
          Not found in the catalog
        </Typography>
      )}
    </>
  );
}

function DependencySection(props: {
  title: string;
  related: RelatedEntity[];
  emptyText: ReactNode;
  columns: {
    title: string;
    render: (related: RelatedEntity) => ReactNode;
  }[];
}) {
  const { title, related, emptyText, columns } = props;
  return (
    <section aria-label={title}>
      <Typography variant="subtitle2" component="h3" sx={{ mt: 1 }}>
        {title}
      </Typography>
      {related.length === 0 ? (
        <Typography variant="body2" sx={{ my: 1 }}>
          {emptyText}
        </Typography>
      ) : (
        <Table size="small" aria-label={title} sx={{ mb: 2 }}>
          <TableHead>
            <TableRow>
              {columns.map(column => (
                <TableCell key={column.title}>{column.title}</TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {related.map(item => (
              <TableRow key={item.refString}>
                {columns.map(column => (
                  <TableCell key={column.title}>
                    {column.render(item)}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}

/**
 * The model endpoints (`usesModel` relations) and tools (`consumesApi`
 * relations) of the Agent entity in context, each linked to its page, with
 * the endpoints' serving and data classification and the tools' API type.
 *
 * @public
 */
export function EntityAgentDependenciesCard() {
  const { entity } = useEntity();
  const models = useRelatedEntities(entity, RELATION_USES_MODEL);
  const tools = useRelatedEntities(entity, RELATION_CONSUMES_API);

  let content;
  if (models.loading || tools.loading) {
    content = <Progress />;
  } else if (models.error || tools.error) {
    content = <ResponseErrorPanel error={(models.error ?? tools.error)!} />;
  } else {
    content = (
      <>
        <DependencySection
          title="Model endpoints"
          related={models.value ?? []}
          emptyText="This agent has no model endpoint in the catalog yet."
          columns={[
            {
              title: 'Model endpoint',
              render: related => <RelatedEntityLink related={related} />,
            },
            {
              title: 'Serving',
              render: related =>
                related.entity ? describeModelServing(related.entity) : NOT_SET,
            },
            {
              title: 'Data classification',
              render: related => (
                <DataClassificationChip
                  classification={related.entity?.spec?.dataClassification}
                />
              ),
            },
          ]}
        />
        <DependencySection
          title="Tools"
          related={tools.value ?? []}
          emptyText="This agent uses no tools. Tools are API entities (for example MCP servers) listed in spec.tools."
          columns={[
            {
              title: 'Tool',
              render: related => <RelatedEntityLink related={related} />,
            },
            {
              title: 'API type',
              render: related =>
                typeof related.entity?.spec?.type === 'string'
                  ? related.entity.spec.type
                  : NOT_SET,
            },
          ]}
        />
      </>
    );
  }

  return <InfoCard title="Models and tools">{content}</InfoCard>;
}
