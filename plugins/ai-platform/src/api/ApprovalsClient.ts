import type {
  Approval,
  ApprovalListResponse,
  AuditTrailResponse,
} from '@ai-platform/plugin-ai-platform-common';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  DiscoveryApi,
  discoveryApiRef,
  FetchApi,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { useMemo } from 'react';

/**
 * The approval gate and audit trail of the `ai-platform` backend.
 *
 * @public
 */
export interface ApprovalsApi {
  listPendingApprovals(): Promise<ApprovalListResponse>;
  getApproval(id: string): Promise<Approval>;
  approve(id: string): Promise<Approval>;
  reject(id: string, reason: string): Promise<Approval>;
  getAuditTrail(entityRef: CompoundEntityRef): Promise<AuditTrailResponse>;
}

/**
 * {@link ApprovalsApi} over HTTP, through the discovery and fetch APIs (so
 * requests carry the user's token).
 *
 * @public
 */
export class ApprovalsClient implements ApprovalsApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  listPendingApprovals(): Promise<ApprovalListResponse> {
    return this.#call('GET', '/approvals');
  }

  getApproval(id: string): Promise<Approval> {
    return this.#call('GET', `/approvals/${encodeURIComponent(id)}`);
  }

  approve(id: string): Promise<Approval> {
    return this.#call('POST', `/approvals/${encodeURIComponent(id)}/approve`);
  }

  reject(id: string, reason: string): Promise<Approval> {
    return this.#call('POST', `/approvals/${encodeURIComponent(id)}/reject`, {
      reason,
    });
  }

  getAuditTrail(entityRef: CompoundEntityRef): Promise<AuditTrailResponse> {
    const path = [entityRef.kind, entityRef.namespace, entityRef.name]
      .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
      .join('/');
    return this.#call('GET', `/audit/by-entity/${path}`);
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('ai-platform');
    const response = await this.options.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : {
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

/**
 * An {@link ApprovalsClient} on the app's discovery and fetch APIs.
 *
 * @internal
 */
export function useApprovalsApi(): ApprovalsApi {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  return useMemo(
    () => new ApprovalsClient({ discoveryApi, fetchApi }),
    [discoveryApi, fetchApi],
  );
}
