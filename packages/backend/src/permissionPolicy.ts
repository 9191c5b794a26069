import {
  aiPlatformApprovalDecidePermission,
  aiPlatformApprovalReadPermission,
  aiPlatformTelemetryReadPermission,
} from '@ai-platform/plugin-ai-platform-common';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

/** The platform group of the demo organisation (`examples/org.yaml`). */
export const DEFAULT_PLATFORM_GROUPS = ['group:default/ml-platform'];

/**
 * The portal's permission policy.
 *
 * - `ai-platform.telemetry.read`: ALLOW for members of a platform group
 *   (`aiPlatform.permissions.platformGroups`), so they also read
 *   unattributed telemetry; otherwise CONDITIONAL on the catalog entity being
 *   owned by the user or one of the user's groups (`isEntityOwner`), so
 *   members of the owning group read their entities' telemetry, cost and
 *   scorecards and nobody else does.
 * - `ai-platform.approval.decide`: ALLOW for members of an approver group
 *   (`aiPlatform.governance.approverGroups`, default: the platform groups),
 *   DENY otherwise. The backend refuses self-approval whatever this says.
 * - `ai-platform.approval.read` (every pending proposal): ALLOW for approver
 *   and platform group members, DENY otherwise; requesters still see their own.
 * - every other permission: ALLOW, as the allow-all policy this replaces.
 */
export class AiPlatformPermissionPolicy implements PermissionPolicy {
  private readonly platformGroupRefs: Set<string>;
  private readonly approverGroupRefs: Set<string>;

  constructor(options: {
    platformGroups: string[];
    approverGroups?: string[];
  }) {
    this.platformGroupRefs = new Set(
      options.platformGroups.map(ref => normalizeGroupRef(ref)),
    );
    this.approverGroupRefs = new Set(
      (options.approverGroups ?? options.platformGroups).map(ref =>
        normalizeGroupRef(ref, 'aiPlatform.governance.approverGroups'),
      ),
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const memberOf = (groups: Set<string>) =>
      (user?.info.ownershipEntityRefs ?? []).some(ref =>
        groups.has(ref.toLocaleLowerCase('en-US')),
      );
    if (isPermission(request.permission, aiPlatformApprovalDecidePermission)) {
      return {
        result: memberOf(this.approverGroupRefs)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    if (isPermission(request.permission, aiPlatformApprovalReadPermission)) {
      return {
        result:
          memberOf(this.approverGroupRefs) || memberOf(this.platformGroupRefs)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      };
    }
    if (isPermission(request.permission, aiPlatformTelemetryReadPermission)) {
      const ownershipEntityRefs = user?.info.ownershipEntityRefs ?? [];
      if (
        ownershipEntityRefs.some(ref =>
          this.platformGroupRefs.has(ref.toLocaleLowerCase('en-US')),
        )
      ) {
        return { result: AuthorizeResult.ALLOW };
      }
      return createCatalogConditionalDecision(
        aiPlatformTelemetryReadPermission,
        catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/**
 * `group:default/name` from `name`, `default/name` or a full ref, lower case.
 *
 * @throws Error naming the config key when the ref is not a group
 */
function normalizeGroupRef(
  ref: string,
  configKey = 'aiPlatform.permissions.platformGroups',
): string {
  const parsed = parseEntityRef(ref, {
    defaultKind: 'group',
    defaultNamespace: 'default',
  });
  if (parsed.kind.toLocaleLowerCase('en-US') !== 'group') {
    throw new Error(
      `Invalid config '${configKey}': expected group refs such as 'group:default/ml-platform', got '${ref}'`,
    );
  }
  return stringifyEntityRef(parsed).toLocaleLowerCase('en-US');
}

/**
 * Installs {@link AiPlatformPermissionPolicy} as the permission backend's
 * policy, with the platform groups from `aiPlatform.permissions.platformGroups`
 * (default `group:default/ml-platform`).
 */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'ai-platform-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        policy: policyExtensionPoint,
      },
      async init({ config, policy }) {
        policy.setPolicy(
          new AiPlatformPermissionPolicy({
            platformGroups:
              config.getOptionalStringArray(
                'aiPlatform.permissions.platformGroups',
              ) ?? DEFAULT_PLATFORM_GROUPS,
          }),
        );
      },
    });
  },
});
