import {
  CodeSnippet,
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Grid from '@mui/material/Grid';
import useAsync from 'react-use/esm/useAsync';
import {
  AGENT_KIND,
  AI_PLATFORM_API_VERSION,
  MODEL_ENDPOINT_KIND,
} from '@ai-platform/plugin-ai-platform-common';
import {
  summarizeFleet,
  toAgentRow,
  toModelEndpointRow,
} from './aiPlatformFleet';
import { AgentTable } from './AgentTable';
import { FleetSummaryTiles } from './FleetSummaryTiles';
import { ModelEndpointTable } from './ModelEndpointTable';

const EXAMPLE_MODEL_ENDPOINT_YAML = `apiVersion: ${AI_PLATFORM_API_VERSION}
kind: ${MODEL_ENDPOINT_KIND}
metadata:
  name: llama-3-1-8b-chat
spec:
  type: chat
  lifecycle: production
  owner: group:ml-platform
  model:
    name: meta-llama/Llama-3.1-8B-Instruct
  serving:
    mode: self-hosted
    runtime: vllm
    gpuProfile: nvidia-l4-1x
  gateway:
    model: llama-3.1-8b
  dataClassification: internal`;

function useAiPlatformFleet() {
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: [{ kind: MODEL_ENDPOINT_KIND }, { kind: AGENT_KIND }],
      fields: ['apiVersion', 'kind', 'metadata', 'spec', 'relations'],
      order: { field: 'metadata.name', order: 'asc' },
    });
    const isKind = (kind: string, expected: string) =>
      kind.toLocaleLowerCase('en-US') === expected.toLocaleLowerCase('en-US');
    const modelEndpoints = items
      .filter(entity => isKind(entity.kind, MODEL_ENDPOINT_KIND))
      .map(toModelEndpointRow);
    const agents = items
      .filter(entity => isKind(entity.kind, AGENT_KIND))
      .map(toAgentRow);
    return {
      modelEndpoints,
      agents,
      summary: summarizeFleet(modelEndpoints, agents),
    };
  }, [catalogApi]);
}

function NoModelEndpointsState() {
  return (
    <EmptyState
      missing="data"
      title="No model endpoints registered yet"
      description={`Create one through the "Self-hosted LLM endpoint" golden-path template, or register a catalog-info.yaml with an entity of kind ${MODEL_ENDPOINT_KIND} and apiVersion ${AI_PLATFORM_API_VERSION}, for example:`}
      action={
        <CodeSnippet
          language="yaml"
          text={EXAMPLE_MODEL_ENDPOINT_YAML}
          showCopyCodeButton
        />
      }
    />
  );
}

function OverviewContent() {
  const { value, loading, error } = useAiPlatformFleet();

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return null;
  }
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <FleetSummaryTiles summary={value.summary} />
      </Grid>
      <Grid item xs={12}>
        {value.modelEndpoints.length > 0 ? (
          <ModelEndpointTable rows={value.modelEndpoints} />
        ) : (
          <NoModelEndpointsState />
        )}
      </Grid>
      <Grid item xs={12}>
        <AgentTable rows={value.agents} />
      </Grid>
    </Grid>
  );
}

/**
 * The AI Platform overview: counts, model endpoints and agents in the catalog,
 * for platform teams and team leads.
 *
 * @remarks
 * Reads `ModelEndpoint` and `Agent` entities through the catalog API. The new
 * frontend system mounts it at `/ai-platform`; it can also be routed directly
 * in a legacy app.
 *
 * @public
 */
export function AiPlatformOverviewPage() {
  return (
    <Page themeId="tool">
      <Header
        title="AI Platform"
        subtitle="Model endpoints and agents across the organization"
      />
      <Content>
        <OverviewContent />
      </Content>
    </Page>
  );
}
