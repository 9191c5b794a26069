import type {
  AgentRuns,
  ToolAgents,
} from '@ai-platform/plugin-ai-platform-common';
import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { TimeWindow } from '../database/TelemetryStore';
import { normalizeTelemetryEntityRef } from '../database/telemetrySubject';
import { ANNOTATION_TOOLS, parseToolsAnnotation } from './toolsAnnotation';
import { AgentRunStore } from './types';

/** Unknown tools listed at most. */
const MAX_UNKNOWN_TOOLS = 100;

/**
 * The trace link of a trace id, from `aiPlatform.telemetry.traceLinks`
 * (a URL template with `{traceId}`); `null` when not configured.
 *
 * @internal
 */
export function traceLinkOf(
  template: string | undefined,
  traceId: string | null,
): string | null {
  if (!template || !traceId) {
    return null;
  }
  return template.split('{traceId}').join(encodeURIComponent(traceId));
}

/**
 * Checks `aiPlatform.telemetry.traceLinks`: an http(s) URL template with
 * `{traceId}`.
 *
 * @throws Error naming the key when it is not
 * @internal
 */
export function checkTraceLinkTemplate(template: string | undefined): void {
  if (template === undefined) {
    return;
  }
  let valid = template.includes('{traceId}');
  try {
    const url = new URL(template.split('{traceId}').join('0'));
    valid &&= url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new Error(
      `Invalid config 'aiPlatform.telemetry.traceLinks': expected an http(s) URL template containing {traceId}, e.g. https://jaeger.example.com/trace/{traceId}, got '${template}'`,
    );
  }
}

/**
 * `GET /agent-runs/by-entity/...`: an agent's runs and tools.
 *
 * @internal
 */
export type AgentRunsResponse = AgentRuns;

/**
 * `GET /tools/by-entity/api/...`: the agents calling an API entity's tools.
 *
 * @internal
 */
export type ToolAgentsResponse = ToolAgents;

/**
 * Reads agent runs and tool calls for the routes: attributes tools to the
 * API entities declaring them ({@link ANNOTATION_TOOLS}, read from the
 * catalog with the plugin's own credentials on each request), adds trace
 * links and keeps to what the user may read.
 *
 * @internal
 */
export class AgentRunsReadService {
  constructor(
    private readonly options: {
      store: AgentRunStore;
      catalog: CatalogService;
      auth: AuthService;
      access: TelemetryReadAccess;
      /** `aiPlatform.telemetry.traceLinks`. */
      traceLinkTemplate?: string;
    },
  ) {}

  /** Tool name to the API entity declaring it (first ref wins). */
  async toolIndex(): Promise<Map<string, string>> {
    const { catalog, auth } = this.options;
    const { items } = await catalog.getEntities(
      {
        filter: {
          kind: 'API',
          [`metadata.annotations.${ANNOTATION_TOOLS}`]: CATALOG_FILTER_EXISTS,
        },
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          'metadata.annotations',
        ],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    const index = new Map<string, string>();
    const refs = items
      .map(entity => ({ entity, ref: refOf(entity) }))
      .sort((a, b) => a.ref.localeCompare(b.ref));
    for (const { entity, ref } of refs) {
      let names: string[];
      try {
        names = toolNamesOf(entity, ref);
      } catch {
        continue; // an invalid annotation is reported on its own entity
      }
      for (const name of names) {
        if (!index.has(name)) {
          index.set(name, ref);
        }
      }
    }
    return index;
  }

  /** The caller has checked `ai-platform.telemetry.read` on `entityRef`. */
  async getAgentRuns(
    entityRef: string,
    window: TimeWindow,
  ): Promise<AgentRunsResponse> {
    const { store, traceLinkTemplate } = this.options;
    const stats = await store.getAgentRunStats({
      agentEntityRef: entityRef,
      ...window,
    });
    const tools = stats.tools.length > 0 ? await this.toolIndex() : new Map();
    return {
      ...stats,
      entityRef,
      window: windowJson(window),
      tools: stats.tools.map(tool => ({
        ...tool,
        apiEntityRef: tools.get(tool.toolName) ?? null,
        latestFailingTraceUrl: traceLinkOf(
          traceLinkTemplate,
          tool.latestFailingTraceId,
        ),
      })),
      latestFailingRuns: stats.latestFailingRuns.map(run => ({
        ...run,
        traceUrl: traceLinkOf(traceLinkTemplate, run.traceId),
      })),
    };
  }

  /**
   * The agents calling the tools an API entity declares; agents the user
   * may not read are left out, unattributed agents need unattributed read.
   *
   * @throws NotFoundError when the catalog has no such entity for the user
   * @throws InputError when it declares no tools or the annotation is invalid
   */
  async getToolAgents(
    entityRef: string,
    window: TimeWindow,
    credentials: BackstageCredentials,
  ): Promise<ToolAgentsResponse> {
    const { catalog, store, access, traceLinkTemplate } = this.options;
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    const toolNames = toolNamesOf(entity, entityRef);
    const rows = await store.getToolCallers({ toolNames, ...window });
    const attributed = await access.filterReadable(
      rows.filter(row => row.agentEntityRef !== null),
      row => row.agentEntityRef!,
      credentials,
    );
    const unattributedRows = rows.filter(row => row.agentEntityRef === null);
    const unattributed =
      unattributedRows.length > 0 &&
      (await access.mayReadUnattributed(credentials))
        ? unattributedRows
        : [];
    const readable = new Set([...attributed, ...unattributed]);
    return {
      entityRef,
      window: windowJson(window),
      toolNames,
      agents: rows
        .filter(row => readable.has(row))
        .map(row => ({
          ...row,
          latestFailingTraceUrl: traceLinkOf(
            traceLinkTemplate,
            row.latestFailingTraceId,
          ),
        })),
    };
  }

  /** Tools called in the window that no API entity declares. */
  async listUnknownTools(window: TimeWindow) {
    const [called, index] = await Promise.all([
      this.options.store.listCalledTools({
        ...window,
        limit: MAX_UNKNOWN_TOOLS * 5,
      }),
      this.toolIndex(),
    ]);
    return {
      window: windowJson(window),
      tools: called
        .filter(tool => !index.has(tool.toolName))
        .slice(0, MAX_UNKNOWN_TOOLS),
    };
  }
}

function refOf(entity: Entity): string {
  return normalizeTelemetryEntityRef(stringifyEntityRef(entity));
}

function toolNamesOf(entity: Entity, entityRef: string): string[] {
  const annotation = entity.metadata.annotations?.[ANNOTATION_TOOLS];
  if (annotation === undefined) {
    throw new InputError(
      `${entityRef} declares no tools: add the annotation '${ANNOTATION_TOOLS}' with the tool names it serves, e.g. 'search_orders, refund_order'`,
    );
  }
  return parseToolsAnnotation(annotation, entityRef);
}

function windowJson(window: TimeWindow) {
  return { from: window.from.toISOString(), to: window.to.toISOString() };
}
