import {
  collectTeamAllocations,
  MODEL_ENDPOINT_KIND,
  normalizeGroupRef,
  type AiPlatformConfig,
  type ExistingEndpointAllocation,
} from '@ai-platform/plugin-ai-platform-common';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { PlanningPreviewRequest } from './planningPreviewRequest';
import { PlanningOptions, planningOptionsOf } from './planningOptions';
import { PlanningPreview, previewEndpointPlan } from './previewEndpointPlan';

/**
 * Options of {@link PlanningPreviewService}.
 *
 * @internal
 */
export interface PlanningPreviewServiceOptions {
  catalog: CatalogService;
  /** Resolves the user's ownership refs (the user and their groups). */
  userInfo: UserInfoService;
  /** The `aiPlatform` platform config, read with `readAiPlatformConfig`. */
  platform: AiPlatformConfig;
  /**
   * Group refs whose members see every team's quota, budget and committed spend
   * (`aiPlatform.permissions.platformGroups`).
   */
  platformGroups: string[];
}

/**
 * The planning answers of the self-hosted endpoint form: the platform's options and the
 * preview of one plan, with the owning team's figures only for its members and platform
 * groups.
 *
 * @internal
 */
export class PlanningPreviewService {
  private readonly catalog: CatalogService;
  private readonly userInfo: UserInfoService;
  private readonly platform: AiPlatformConfig;
  private readonly planningOptions: PlanningOptions;
  private readonly platformGroupRefs: string[];

  constructor(options: PlanningPreviewServiceOptions) {
    this.catalog = options.catalog;
    this.userInfo = options.userInfo;
    this.platform = options.platform;
    this.planningOptions = planningOptionsOf(options.platform);
    this.platformGroupRefs = options.platformGroups
      .map(ref => normalizeGroupRef(ref))
      .filter((ref): ref is string => ref !== undefined);
  }

  /** The platform choices of the form (`GET /planning/options`). */
  getOptions(): PlanningOptions {
    return this.planningOptions;
  }

  /** The preview of one plan (`POST /planning/preview`) for a signed-in user. */
  async preview(
    input: PlanningPreviewRequest,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<PlanningPreview> {
    const teamFiguresVisible = input.owner
      ? await this.mayReadTeamFigures(input.owner, credentials)
      : false;
    const existing = teamFiguresVisible
      ? await this.readAllocations(input.owner, input.name, credentials)
      : [];
    return previewEndpointPlan(input, this.platform, existing, {
      teamFiguresVisible,
    });
  }

  /** Whether the user belongs to the owning team or to a platform group. */
  private async mayReadTeamFigures(
    ownerRef: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<boolean> {
    const owner = normalizeGroupRef(ownerRef);
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      credentials,
    );
    const claims = new Set(
      ownershipEntityRefs.map(ref => ref.toLocaleLowerCase('en-US')),
    );
    return (
      (owner !== undefined && claims.has(owner)) ||
      this.platformGroupRefs.some(ref => claims.has(ref))
    );
  }

  /** The team's self-hosted endpoints in the catalog, read with the user's credentials. */
  private async readAllocations(
    ownerRef: string | undefined,
    endpointName: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<ExistingEndpointAllocation[]> {
    if (!ownerRef || !normalizeGroupRef(ownerRef)) {
      return [];
    }
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          kind: MODEL_ENDPOINT_KIND,
          'spec.serving.mode': 'self-hosted',
        },
      },
      { credentials },
    );
    return collectTeamAllocations(items, {
      ownerRef,
      excludeEndpointName: endpointName?.trim() || undefined,
    });
  }
}
