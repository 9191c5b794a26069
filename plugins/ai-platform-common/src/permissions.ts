import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Allows reading the telemetry, rollups and scorecards of a catalog entity
 * (a ModelEndpoint or an Agent). A resource permission on `catalog-entity`,
 * so policies can decide per entity, e.g. only for the entity's owners.
 *
 * @public
 */
export const aiPlatformTelemetryReadPermission = createPermission({
  name: 'ai-platform.telemetry.read',
  attributes: { action: 'read' },
  // RESOURCE_TYPE_CATALOG_ENTITY of @backstage/plugin-catalog-common/alpha
  resourceType: 'catalog-entity',
});

/**
 * Allows seeing every golden-path change waiting for approval (`GET /approvals`).
 * Without it a user sees only the proposals they requested. A basic permission:
 * the proposal's entity is not in the catalog yet.
 *
 * @public
 */
export const aiPlatformApprovalReadPermission = createPermission({
  name: 'ai-platform.approval.read',
  attributes: { action: 'read' },
});

/**
 * Allows approving (merging into the synced GitOps branch) or rejecting a
 * proposal. Nobody may decide their own proposal, whatever the policy says.
 *
 * @public
 */
export const aiPlatformApprovalDecidePermission = createPermission({
  name: 'ai-platform.approval.decide',
  attributes: { action: 'update' },
});

/**
 * Every permission of the AI platform plugins.
 *
 * @public
 */
export const aiPlatformPermissions = [
  aiPlatformTelemetryReadPermission,
  aiPlatformApprovalReadPermission,
  aiPlatformApprovalDecidePermission,
];
