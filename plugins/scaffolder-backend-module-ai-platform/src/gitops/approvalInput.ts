import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import yaml from 'yaml';
import type { RenderedFile } from './readRenderedFiles';

/**
 * What `ai-platform:gitops:commit` needs to know about approval, from its
 * `approval` input.
 *
 * @internal
 */
export type ApprovalRequirement = {
  required: boolean;
  reasons: string[];
  summary: string;
  policyResults: Array<{ rule: string; passed: boolean; message: string }>;
  /** Overrides the ref read from the committed catalog-info.yaml. */
  entityRef?: string;
};

function asBoolean(value: unknown, field: string): boolean {
  if (value === undefined || value === null || value === '') {
    return false;
  }
  if (typeof value === 'boolean') {
    return value;
  }
  if (value === 'true' || value === 'false') {
    return value === 'true';
  }
  throw new InputError(
    `approval.${field} must be true or false, got ${JSON.stringify(value)}`,
  );
}

function asStrings(value: unknown, field: string): string[] {
  if (value === undefined || value === null || value === '') {
    return [];
  }
  if (Array.isArray(value) && value.every(v => typeof v === 'string')) {
    return value;
  }
  throw new InputError(`approval.${field} must be a list of strings`);
}

function asPolicyResults(value: unknown): ApprovalRequirement['policyResults'] {
  if (value === undefined || value === null || value === '') {
    return [];
  }
  if (!Array.isArray(value)) {
    throw new InputError('approval.policyResults must be a list');
  }
  return value.map((item, index) => {
    const result = item as Record<string, unknown>;
    // A governance requirement result ({ id, status, rule, message }) or { rule, passed, message }.
    const rule = result?.rule ?? result?.id;
    const passed =
      typeof result?.passed === 'boolean'
        ? result.passed
        : result?.status === 'met' || result?.status === 'pass';
    if (typeof rule !== 'string' || typeof result?.message !== 'string') {
      throw new InputError(
        `approval.policyResults[${index}] needs a rule (or id) and a message`,
      );
    }
    return { rule, passed, message: result.message };
  });
}

/**
 * Reads the `approval` input: `{ required, reasons, summary, policyResults, entityRef }`,
 * or a governance result as the validate and plan actions output it
 * (`{ approvalRequired, approvalReasons, requirements }`). Missing means not required.
 *
 * @internal
 */
export function parseApprovalInput(input: unknown): ApprovalRequirement {
  if (input === undefined || input === null || input === '') {
    return { required: false, reasons: [], summary: '', policyResults: [] };
  }
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new InputError(
      'approval must be an object such as { required: true, reasons: [...] }',
    );
  }
  const value = input as Record<string, unknown>;
  const summary = value.summary ?? '';
  if (typeof summary !== 'string') {
    throw new InputError('approval.summary must be a string');
  }
  const entityRef = value.entityRef;
  if (entityRef !== undefined && typeof entityRef !== 'string') {
    throw new InputError('approval.entityRef must be an entity ref string');
  }
  return {
    required:
      'approvalRequired' in value
        ? asBoolean(value.approvalRequired, 'approvalRequired')
        : asBoolean(value.required, 'required'),
    reasons: asStrings(value.approvalReasons ?? value.reasons, 'reasons'),
    summary,
    policyResults: asPolicyResults(value.requirements ?? value.policyResults),
    entityRef: entityRef || undefined,
  };
}

/**
 * The ref and risk tier of the entity in the committed files'
 * `catalog-info.yaml`, for the proposal and the audit trail.
 *
 * @internal
 */
export function readCommittedEntity(
  files: RenderedFile[],
  entityRefOverride?: string,
): { entityRef: string; name: string; riskTier?: string } | undefined {
  const catalogInfo = files.find(f => f.relativePath === 'catalog-info.yaml');
  let entity: any;
  if (catalogInfo) {
    try {
      entity = yaml
        .parseAllDocuments(catalogInfo.content.toString('utf8'))
        .map(doc => doc.toJS())
        .find(doc => doc?.kind && doc?.metadata?.name);
    } catch {
      entity = undefined;
    }
  }
  const ref =
    entityRefOverride ??
    (entity
      ? stringifyEntityRef({
          kind: entity.kind,
          namespace: entity.metadata.namespace ?? 'default',
          name: entity.metadata.name,
        })
      : undefined);
  if (!ref) {
    return undefined;
  }
  const parsed = parseEntityRef(ref, { defaultNamespace: 'default' });
  const riskTier = entity?.spec?.riskTier;
  return {
    entityRef: stringifyEntityRef(parsed).toLocaleLowerCase('en-US'),
    name: parsed.name.toLocaleLowerCase('en-US'),
    riskTier: typeof riskTier === 'string' ? riskTier : undefined,
  };
}
