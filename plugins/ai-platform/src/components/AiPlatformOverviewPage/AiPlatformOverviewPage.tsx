import {
  CodeSnippet,
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Grid from '@mui/material/Grid';
import useAsync from 'react-use/esm/useAsync';
import {
  AGENT_KIND,
  AI_PLATFORM_API_VERSION,
  MODEL_ENDPOINT_KIND,
} from '@ai-platform/plugin-ai-platform-common';
import {
  aiPlatformApiRef,
  FleetSummary,
  isPermissionDeniedError,
} from '../../api';
import {
  summarizeFleet,
  toAgentRow,
  toModelEndpointRow,
  withFleetNumbers,
} from './aiPlatformFleet';
import { GoldenPathAdoptionPanel } from './GoldenPathAdoptionPanel';
import { GpuAllocationPanel } from './GpuAllocationPanel';
import { GpuCostPanel } from './GpuCostPanel';
import {
  hasRetiredEntities,
  RetiredEntitiesPanel,
} from './RetiredEntitiesPanel';
import { SpendByTeamPanel } from './SpendByTeamPanel';
import { TelemetrySetupHelp } from './TelemetrySetupHelp';
import { TimeToFirstInferencePanel } from './TimeToFirstInferencePanel';
import { UnattributedTelemetryPanel } from './UnattributedTelemetryPanel';
import { PendingApprovals } from '../PendingApprovals';
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

function useFleetSummary() {
  const aiPlatformApi = useApi(aiPlatformApiRef);
  return useAsync(() => aiPlatformApi.getFleetSummary(), [aiPlatformApi]);
}

/** No readable entity has traffic this month and nothing is unattributed. */
function hasNoTelemetry(summary: FleetSummary): boolean {
  return (
    summary.telemetryAccess.readableEntityCount > 0 &&
    summary.fleet.every(item => !item.requestsMtd) &&
    summary.unattributed.items.length === 0
  );
}

function mayReadNoTelemetry(summary: FleetSummary): boolean {
  return (
    summary.telemetryAccess.readableEntityCount === 0 &&
    summary.telemetryAccess.deniedEntityCount > 0 &&
    !summary.unattributed.allowed
  );
}

function TelemetryPermissionDenied() {
  return (
    <WarningPanel
      severity="info"
      defaultExpanded
      title="You may not read AI platform telemetry"
      message="Spend, TTFT, eval scores and time to first inference need the ai-platform.telemetry.read permission on the entities; ask your Backstage administrators to grant it. Catalog data (entities, golden-path adoption, GPU allocation) is shown without it."
    />
  );
}

function FleetPanels(props: {
  summary?: FleetSummary;
  loading: boolean;
  error?: Error;
}) {
  const { summary, loading, error } = props;
  if (loading) {
    return (
      <Grid item xs={12}>
        <Progress />
      </Grid>
    );
  }
  if (error) {
    return (
      <Grid item xs={12}>
        {isPermissionDeniedError(error) ? (
          <TelemetryPermissionDenied />
        ) : (
          <ResponseErrorPanel
            error={error}
            title="Could not load the fleet summary from the ai-platform backend"
          />
        )}
      </Grid>
    );
  }
  if (!summary) {
    return null;
  }
  return (
    <>
      {mayReadNoTelemetry(summary) && (
        <Grid item xs={12}>
          <TelemetryPermissionDenied />
        </Grid>
      )}
      {hasNoTelemetry(summary) && (
        <Grid item xs={12}>
          <Card>
            <CardContent>
              <TelemetrySetupHelp />
            </CardContent>
          </Card>
        </Grid>
      )}
      <Grid item xs={12} lg={6}>
        <GoldenPathAdoptionPanel goldenPaths={summary.goldenPaths} />
      </Grid>
      <Grid item xs={12} lg={6}>
        <TimeToFirstInferencePanel goldenPaths={summary.goldenPaths} />
      </Grid>
      {summary.gpuCost && (
        <Grid item xs={12}>
          <GpuCostPanel gpuCost={summary.gpuCost} />
        </Grid>
      )}
      <Grid item xs={12} lg={6}>
        <SpendByTeamPanel
          spendByTeam={summary.spendByTeam}
          monthStart={summary.monthToDate.from}
          deniedEntityCount={summary.telemetryAccess.deniedEntityCount}
        />
      </Grid>
      <Grid item xs={12} lg={6}>
        <GpuAllocationPanel gpuAllocation={summary.gpuAllocation} />
      </Grid>
      <Grid item xs={12}>
        <UnattributedTelemetryPanel unattributed={summary.unattributed} />
      </Grid>
      {hasRetiredEntities(summary.retired) && (
        <Grid item xs={12}>
          <RetiredEntitiesPanel retired={summary.retired} />
        </Grid>
      )}
    </>
  );
}

function OverviewContent() {
  const { value, loading, error } = useAiPlatformFleet();
  const fleetSummary = useFleetSummary();

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return null;
  }
  const fleet = fleetSummary.value?.fleet;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <FleetSummaryTiles summary={value.summary} />
      </Grid>
      <Grid item xs={12}>
        <PendingApprovals />
      </Grid>
      <Grid item xs={12}>
        {value.modelEndpoints.length > 0 ? (
          <ModelEndpointTable
            rows={withFleetNumbers(value.modelEndpoints, fleet)}
          />
        ) : (
          <NoModelEndpointsState />
        )}
      </Grid>
      <Grid item xs={12}>
        <AgentTable rows={withFleetNumbers(value.agents, fleet)} />
      </Grid>
      <FleetPanels
        summary={fleetSummary.value}
        loading={fleetSummary.loading}
        error={fleetSummary.error}
      />
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
        subtitle="Model endpoints and agents across the organization: grades, spend, GPU cost, golden-path adoption and GPU allocation"
      />
      <Content>
        <OverviewContent />
      </Content>
    </Page>
  );
}
