import {
  aiPlatformApprovalDecidePermission,
  aiPlatformApprovalReadPermission,
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
    expect(aiPlatformPermissions).toEqual([
      aiPlatformTelemetryReadPermission,
      aiPlatformApprovalReadPermission,
      aiPlatformApprovalDecidePermission,
    ]);
  });

  it('defines the approval permissions as basic permissions', () => {
    expect(aiPlatformApprovalReadPermission).toEqual({
      type: 'basic',
      name: 'ai-platform.approval.read',
      attributes: { action: 'read' },
    });
    expect(aiPlatformApprovalDecidePermission).toEqual({
      type: 'basic',
      name: 'ai-platform.approval.decide',
      attributes: { action: 'update' },
    });
  });
});
