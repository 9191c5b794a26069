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
 * Every permission of the AI platform plugins.
 *
 * @public
 */
export const aiPlatformPermissions = [aiPlatformTelemetryReadPermission];
