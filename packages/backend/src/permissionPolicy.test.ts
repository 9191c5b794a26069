import {
  aiPlatformApprovalDecidePermission,
  aiPlatformApprovalReadPermission,
  aiPlatformTelemetryReadPermission,
} from '@ai-platform/plugin-ai-platform-common';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { AiPlatformPermissionPolicy } from './permissionPolicy';

function userOf(
  userEntityRef: string,
  ownershipEntityRefs: string[],
): PolicyQueryUser {
  const credentials: BackstageCredentials = {
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'user', userEntityRef },
  };
  return { credentials, info: { userEntityRef, ownershipEntityRefs } };
}

const policy = new AiPlatformPermissionPolicy({
  platformGroups: ['ml-platform'],
});
const telemetryRead = { permission: aiPlatformTelemetryReadPermission };

describe('AiPlatformPermissionPolicy', () => {
  it('allows telemetry reads to members of a platform group', async () => {
    const guest = userOf('user:default/guest', [
      'user:default/guest',
      'group:default/developer-productivity',
      'group:default/ml-platform',
    ]);
    await expect(policy.handle(telemetryRead, guest)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it('makes telemetry reads conditional on owning the entity for everyone else', async () => {
    const ownership = [
      'user:default/priya.raman',
      'group:default/support-experience',
    ];
    const decision = await policy.handle(
      telemetryRead,
      userOf('user:default/priya.raman', ownership),
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ownership },
      },
    });
  });

  it('gives a caller without user info a condition no entity meets', async () => {
    const decision = await policy.handle(telemetryRead);
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { rule: 'IS_ENTITY_OWNER', params: { claims: [] } },
    });
  });

  it('allows every other permission, as before', async () => {
    const other = createPermission({
      name: 'catalog.entity.delete',
      attributes: { action: 'delete' },
      resourceType: 'catalog-entity',
    });
    await expect(
      policy.handle({ permission: other }, userOf('user:default/x', [])),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('rejects a platform group ref of another kind, naming the config key', () => {
    expect(
      () =>
        new AiPlatformPermissionPolicy({
          platformGroups: ['user:default/guest'],
        }),
    ).toThrow(/aiPlatform\.permissions\.platformGroups.*'user:default\/guest'/);
  });

  it('lets platform group members decide and read every approval by default, and nobody else', async () => {
    const decide = { permission: aiPlatformApprovalDecidePermission };
    const read = { permission: aiPlatformApprovalReadPermission };
    const platform = userOf('user:default/guest', [
      'group:default/ml-platform',
    ]);
    const developer = userOf('user:default/priya.raman', [
      'group:default/support-experience',
    ]);
    await expect(policy.handle(decide, platform)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
    await expect(policy.handle(read, platform)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
    await expect(policy.handle(decide, developer)).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
    await expect(policy.handle(read, developer)).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
    await expect(policy.handle(decide)).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('lets aiPlatform.governance.approverGroups decide instead of the platform groups when set', async () => {
    const withApprovers = new AiPlatformPermissionPolicy({
      platformGroups: ['ml-platform'],
      approverGroups: ['group:default/ai-risk-board'],
    });
    const decide = { permission: aiPlatformApprovalDecidePermission };
    await expect(
      withApprovers.handle(
        decide,
        userOf('user:default/ines', ['group:default/ai-risk-board']),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      withApprovers.handle(
        decide,
        userOf('user:default/guest', ['group:default/ml-platform']),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    expect(
      () =>
        new AiPlatformPermissionPolicy({
          platformGroups: ['ml-platform'],
          approverGroups: ['user:default/ines'],
        }),
    ).toThrow(/aiPlatform\.governance\.approverGroups.*'user:default\/ines'/);
  });
});
