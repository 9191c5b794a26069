import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

/** The ai-platform backend's plugin id. */
const AI_PLATFORM_PLUGIN_ID = 'ai-platform';

/**
 * A proposal as `POST /api/ai-platform/approvals` records it.
 *
 * @internal
 */
export type ApprovalProposal = {
  id: string;
  entityRef: string;
  /** User entity ref of the task's user; used only when the call is made as the service. */
  requester?: string;
  repository: string;
  branch: string;
  proposalBranch: string;
  targetPath: string;
  commitId: string;
  summary: string;
  reasons: string[];
  policyResults: Array<{ rule: string; passed: boolean; message: string }>;
  diff: string;
  riskTier?: string;
  taskId?: string;
};

/**
 * An event of the audit trail as `POST /api/ai-platform/audit/events` takes it.
 *
 * @internal
 */
export type GoldenPathAuditEvent = {
  action: 'plan' | 'commit' | 'apply';
  entityRef: string;
  actor?: string;
  decision?: string;
  reasons?: string[];
  details?: Record<string, unknown>;
  riskTier?: string;
};

/**
 * Talks to the ai-platform backend from the scaffolder: records proposals and
 * audit events on behalf of the user who ran the template (the backend takes
 * the requester from that user's credentials), or as the scaffolder service
 * with the task's user ref when the task has no user credentials.
 *
 * @internal
 */
export class AiPlatformBackendClient {
  constructor(
    private readonly options: {
      auth: AuthService;
      discovery: DiscoveryService;
    },
  ) {}

  async #post(
    path: string,
    body: unknown,
    initiator: BackstageCredentials | undefined,
  ): Promise<unknown> {
    const { auth, discovery } = this.options;
    const onBehalfOf =
      initiator && auth.isPrincipal(initiator, 'user')
        ? initiator
        : await auth.getOwnServiceCredentials();
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf,
      targetPluginId: AI_PLATFORM_PLUGIN_ID,
    });
    const baseUrl = await discovery.getBaseUrl(AI_PLATFORM_PLUGIN_ID);
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  /** Records the proposal; a retried call with the same id returns the same proposal. */
  async requestApproval(
    proposal: ApprovalProposal,
    initiator: BackstageCredentials | undefined,
  ): Promise<{ id: string; requester: string }> {
    return (await this.#post('/approvals', proposal, initiator)) as {
      id: string;
      requester: string;
    };
  }

  /** Appends an event to the entity's audit trail. */
  async recordAuditEvent(
    event: GoldenPathAuditEvent,
    initiator: BackstageCredentials | undefined,
  ): Promise<void> {
    await this.#post('/audit/events', event, initiator);
  }
}
