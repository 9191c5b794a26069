import { validateModelEndpointEntity } from '@ai-platform/plugin-ai-platform-common';
import { InputError } from '@backstage/errors';
import yaml from 'yaml';
import type { CommittedEndpoint } from '../gitops/readCommittedEndpoint';
import { parseLiteLlmRoute } from '../validate/liteLlmRoute';
import type { EndpointFieldChange } from './endpointOperation';

const ROUTE_FILE = 'gateway/litellm-model.yaml';

/**
 * Moves a managed (provider-hosted) ModelEndpoint to another model or model revision, e.g.
 * `gpt-4o-2024-08-06` → `gpt-4o-2024-11-20`: `spec.model.name` in its `catalog-info.yaml` and
 * the provider model of every entry of its LiteLLM route (`litellm_params.model`, keeping the
 * provider prefix such as `openai/`). The gateway alias clients call stays. Comments and the
 * other files of the folder are kept; the changed entity and route are validated.
 *
 * @internal
 */
export function changeManagedEndpointModel(
  committed: CommittedEndpoint,
  model: string,
): { files: Record<string, string>; changes: EndpointFieldChange[] } {
  const name = committed.entity.metadata.name;
  const catalogText = committed.files['catalog-info.yaml'];
  const routeText = committed.files[ROUTE_FILE];
  if (catalogText === undefined || routeText === undefined) {
    throw new InputError(
      `Managed endpoint '${name}' in ${committed.folder} has no ${
        catalogText === undefined ? 'catalog-info.yaml' : ROUTE_FILE
      }; it was not created by the managed-model-endpoint golden path`,
    );
  }
  const before = String(committed.entity.spec?.model?.name ?? '');

  const catalogDocs = yaml.parseAllDocuments(catalogText);
  const entityDoc = catalogDocs.find(doc => {
    const value = doc.toJS();
    return value?.kind === 'ModelEndpoint' && value?.metadata?.name === name;
  });
  if (!entityDoc) {
    throw new InputError(
      `${committed.folder}/catalog-info.yaml no longer holds ModelEndpoint '${name}'`,
    );
  }
  entityDoc.setIn(['spec', 'model', 'name'], model);
  validateModelEndpointEntity(entityDoc.toJS());

  const routeDoc = yaml.parseDocument(routeText);
  const entries = parseLiteLlmRoute(
    routeText,
    `${committed.folder}/${ROUTE_FILE}`,
  );
  entries.forEach((entry, index) => {
    const current = String(entry.litellm_params.model);
    const slash = current.indexOf('/');
    const provider = slash > 0 ? current.slice(0, slash + 1) : '';
    routeDoc.setIn(
      ['model_list', index, 'litellm_params', 'model'],
      `${provider}${model}`,
    );
  });
  const newRoute = routeDoc.toString();
  parseLiteLlmRoute(newRoute, `${committed.folder}/${ROUTE_FILE}`);

  return {
    files: {
      ...committed.files,
      'catalog-info.yaml': catalogDocs.map(doc => doc.toString()).join(''),
      [ROUTE_FILE]: newRoute,
    },
    changes: before === model ? [] : [{ field: 'model', before, after: model }],
  };
}
