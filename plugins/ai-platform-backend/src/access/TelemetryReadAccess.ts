import { aiPlatformTelemetryReadPermission } from '@ai-platform/plugin-ai-platform-common';
import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/**
 * Makes every `ai-platform.telemetry.read` decision of the backend, as
 * search-backend's `AuthorizedSearchEngine` does for search results: one
 * entity asserted, many entities filtered in one batch, and unattributed
 * telemetry (no entity) granted only by an unconditional ALLOW.
 *
 * @internal
 */
export class TelemetryReadAccess {
  constructor(private readonly permissions: PermissionsService) {}

  /**
   * Throws `NotAllowedError` unless the user may read the telemetry of
   * `entityRef` (already normalized).
   */
  async assertCanRead(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const [decision] = await this.permissions.authorize(
      [
        {
          permission: aiPlatformTelemetryReadPermission,
          resourceRef: entityRef,
        },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to read the telemetry of ${entityRef}`,
      );
    }
  }

  /**
   * The items whose entity the user may read, in their order, decided in one
   * batch `authorize` call (none when `items` is empty).
   */
  async filterReadable<T>(
    items: readonly T[],
    entityRefOf: (item: T) => string,
    credentials: BackstageCredentials,
  ): Promise<T[]> {
    if (items.length === 0) {
      return [];
    }
    const decisions = await this.permissions.authorize(
      items.map(item => ({
        permission: aiPlatformTelemetryReadPermission,
        resourceRef: entityRefOf(item),
      })),
      { credentials },
    );
    return items.filter(
      (_, index) => decisions[index].result === AuthorizeResult.ALLOW,
    );
  }

  /**
   * Unattributed telemetry belongs to no entity, so there is no resource to
   * evaluate conditions against: only an unconditional ALLOW grants it.
   */
  async mayReadUnattributed(
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission: aiPlatformTelemetryReadPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Throws `NotAllowedError` unless {@link mayReadUnattributed}. */
  async assertCanReadUnattributed(
    credentials: BackstageCredentials,
  ): Promise<void> {
    if (!(await this.mayReadUnattributed(credentials))) {
      throw new NotAllowedError(
        'Not allowed to read telemetry that is not attributed to an entity',
      );
    }
  }
}
