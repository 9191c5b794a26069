import {
  aiPlatformPermissions,
  aiPlatformTelemetryReadPermission,
} from './permissions';

describe('permissions', () => {
  it('defines the telemetry read permission on catalog entities', () => {
    expect(aiPlatformTelemetryReadPermission).toEqual({
      type: 'resource',
      name: 'ai-platform.telemetry.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    });
    expect(aiPlatformPermissions).toEqual([aiPlatformTelemetryReadPermission]);
  });
});
