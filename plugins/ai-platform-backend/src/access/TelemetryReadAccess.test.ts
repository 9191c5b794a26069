import { mockCredentials } from '@backstage/backend-test-utils';
import { PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { TelemetryReadAccess } from './TelemetryReadAccess';

function permissionsAllowing(
  readable: string[],
  unconditional: AuthorizeResult,
) {
  const authorize = jest.fn(async (requests: { resourceRef?: string }[]) =>
    requests.map(request => ({
      result: readable.includes(request.resourceRef ?? '')
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    })),
  );
  const authorizeConditional = jest.fn(async () => [{ result: unconditional }]);
  return {
    authorize,
    authorizeConditional,
    service: {
      authorize,
      authorizeConditional,
    } as unknown as PermissionsService,
  };
}

describe('TelemetryReadAccess', () => {
  const credentials = mockCredentials.user();

  it('asserts one entity with the message the API has always given', async () => {
    const { service } = permissionsAllowing(
      ['component:default/a'],
      AuthorizeResult.DENY,
    );
    const access = new TelemetryReadAccess(service);
    await expect(
      access.assertCanRead('component:default/a', credentials),
    ).resolves.toBeUndefined();
    await expect(
      access.assertCanRead('component:default/b', credentials),
    ).rejects.toThrow(
      new NotAllowedError(
        'Not allowed to read the telemetry of component:default/b',
      ),
    );
  });

  it('filters many entities in one batch call and keeps their order', async () => {
    const { service, authorize } = permissionsAllowing(
      ['component:default/a', 'component:default/c'],
      AuthorizeResult.DENY,
    );
    const access = new TelemetryReadAccess(service);
    const items = [
      'component:default/c',
      'component:default/b',
      'component:default/a',
    ];
    await expect(
      access.filterReadable(items, ref => ref, credentials),
    ).resolves.toEqual(['component:default/c', 'component:default/a']);
    expect(authorize).toHaveBeenCalledTimes(1);
    await expect(
      access.filterReadable([], ref => ref, credentials),
    ).resolves.toEqual([]);
    expect(authorize).toHaveBeenCalledTimes(1);
  });

  it('grants unattributed telemetry only on an unconditional ALLOW', async () => {
    for (const [result, expected] of [
      [AuthorizeResult.ALLOW, true],
      [AuthorizeResult.CONDITIONAL, false],
      [AuthorizeResult.DENY, false],
    ] as const) {
      const access = new TelemetryReadAccess(
        permissionsAllowing([], result).service,
      );
      await expect(access.mayReadUnattributed(credentials)).resolves.toBe(
        expected,
      );
    }
    const denied = new TelemetryReadAccess(
      permissionsAllowing([], AuthorizeResult.CONDITIONAL).service,
    );
    await expect(denied.assertCanReadUnattributed(credentials)).rejects.toThrow(
      new NotAllowedError(
        'Not allowed to read telemetry that is not attributed to an entity',
      ),
    );
  });
});
