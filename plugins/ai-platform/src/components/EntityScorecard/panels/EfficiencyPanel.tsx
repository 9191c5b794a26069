import {
  formatDecimal,
  formatPercent,
  PrometheusReading,
} from '@ai-platform/plugin-ai-platform-common';
import Typography from '@mui/material/Typography';
import { RightSizingList } from '../../CostBasis';
import { formatUsd } from '../scorecardDisplay';
import { KeyFigure } from './KeyFigure';
import { ScorecardPanel, ScorecardPanelProps } from './ScorecardPanel';

/** What to configure to get GPU utilisation. */
export const UTILISATION_SETUP =
  'No GPU utilisation: configure aiPlatform.telemetry.prometheus for the endpoint’s cluster, with the DCGM exporter (DCGM_FI_DEV_GPU_UTIL) scraped, to see utilisation, idle cost and the gpu-idle check.';

/** What to configure to get vLLM saturation readings. */
export const SATURATION_SETUP =
  'No saturation readings: the cluster’s Prometheus (aiPlatform.telemetry.prometheus) needs the vLLM series vllm:kv_cache_usage_perc and vllm:num_requests_waiting.';

function readingDetail(reading: PrometheusReading): string {
  return `over ${reading.window} · from Prometheus (${reading.metric})`;
}

/**
 * The GPU checks of a self-hosted endpoint (`gpu-idle`, `saturation`); its
 * utilisation, idle cost and saturation readings, or what to configure to
 * get them; right-sizing recommendations.
 */
export function EfficiencyPanel(props: ScorecardPanelProps) {
  const cost = props.scorecard.cost;
  const gpu = cost?.gpu;
  const utilisation = gpu?.utilisationPercent ?? null;
  const kvCache = cost?.saturation?.kvCacheUsagePercent ?? null;
  const waiting = cost?.saturation?.waitingRequests ?? null;
  const rightSizing = cost?.rightSizing ?? [];
  return (
    <ScorecardPanel
      {...props}
      figures={
        gpu && (
          <>
            {utilisation && (
              <KeyFigure
                label="GPU utilisation"
                value={formatPercent(utilisation.value)}
                detail={`mean ${readingDetail(utilisation)}`}
              />
            )}
            {gpu.idleCostUsd !== null && (
              <KeyFigure
                label="Idle GPU cost"
                value={formatUsd(gpu.idleCostUsd)}
                detail="month to date: GPU-hours × (1 − utilisation) × price"
              />
            )}
            {kvCache && (
              <KeyFigure
                label="KV-cache usage"
                value={formatPercent(kvCache.value)}
                detail={readingDetail(kvCache)}
              />
            )}
            {waiting && (
              <KeyFigure
                label="Waiting requests"
                value={formatDecimal(waiting.value)}
                detail={readingDetail(waiting)}
              />
            )}
          </>
        )
      }
      details={
        gpu && (
          <>
            {!utilisation && (
              <Typography variant="body2" color="text.secondary" paragraph>
                {UTILISATION_SETUP}
              </Typography>
            )}
            {!kvCache && !waiting && (
              <Typography variant="body2" color="text.secondary" paragraph>
                {SATURATION_SETUP}
              </Typography>
            )}
            <section aria-label="Right-sizing">
              <Typography variant="subtitle2" component="h3">
                Right-sizing
              </Typography>
              {rightSizing.length > 0 ? (
                <RightSizingList
                  items={rightSizing.map((recommendation, index) => ({
                    key: `${recommendation.kind}-${index}`,
                    recommendation,
                  }))}
                />
              ) : (
                <Typography variant="body2" color="text.secondary">
                  No cheaper profile or lower replicas.min that is safe for this
                  model and context.
                </Typography>
              )}
            </section>
          </>
        )
      }
    />
  );
}
