import { InputError } from '@backstage/errors';
import yaml from 'yaml';
import type { RenderedFile } from '../gitops/readRenderedFiles';

/**
 * A Kubernetes object read from a rendered manifest file.
 *
 * @internal
 */
export type KubernetesManifestObject = {
  /** Path of the file it came from, relative to the source folder. */
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
};

/**
 * True for rendered files that are not Kubernetes objects: the catalog descriptor and the
 * gateway route (both go to Backstage and the LLM gateway, not to the cluster).
 *
 * @internal
 */
export function isNonKubernetesFile(relativePath: string): boolean {
  return (
    relativePath === 'catalog-info.yaml' ||
    relativePath.startsWith('gateway/') ||
    !/\.ya?ml$/.test(relativePath)
  );
}

/**
 * Built-in API groups first (core `v1`, `apps/v1`, `policy/v1`, ...), custom resources (a
 * dotted group such as `keda.sh` or `serving.kserve.io`) after them, so that a ScaledObject
 * or ServiceMonitor is applied after the Deployment and Service it refers to.
 */
function applyRank(object: KubernetesManifestObject): number {
  if (object.kind === 'Namespace') return 0;
  const group = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')[0]
    : '';
  return group.includes('.') && !group.endsWith('.k8s.io') ? 2 : 1;
}

/**
 * Parses the Kubernetes objects out of the rendered files (every YAML document of every
 * `.yaml`/`.yml` file except `catalog-info.yaml` and `gateway/`), checks each has
 * `apiVersion`, `kind` and `metadata.name`, and orders them for apply: namespaces, then
 * built-in kinds, then custom resources, keeping file order within each group.
 *
 * @internal
 */
export function readKubernetesManifests(files: RenderedFile[]): {
  objects: KubernetesManifestObject[];
  skippedFiles: string[];
} {
  const objects: KubernetesManifestObject[] = [];
  const skippedFiles: string[] = [];
  for (const file of files) {
    if (isNonKubernetesFile(file.relativePath)) {
      skippedFiles.push(file.relativePath);
      continue;
    }
    const documents = yaml.parseAllDocuments(file.content.toString('utf8'));
    documents.forEach((document, index) => {
      const where = `${file.relativePath} (document ${index + 1})`;
      if (document.errors.length > 0) {
        throw new InputError(
          `${where} is not valid YAML: ${document.errors[0].message}`,
        );
      }
      const value = document.toJS();
      if (value === null || value === undefined) return; // empty document
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new InputError(`${where} must be a Kubernetes object`);
      }
      const problems = [
        typeof value.apiVersion === 'string' && value.apiVersion
          ? undefined
          : 'apiVersion',
        typeof value.kind === 'string' && value.kind ? undefined : 'kind',
        typeof value.metadata?.name === 'string' && value.metadata.name
          ? undefined
          : 'metadata.name',
      ].filter(Boolean);
      if (problems.length > 0) {
        throw new InputError(
          `${where} is not a Kubernetes object: missing ${problems.join(', ')}`,
        );
      }
      objects.push({ ...value, file: file.relativePath });
    });
  }
  const ordered = objects
    .map((object, index) => ({ object, index }))
    .sort(
      (a, b) => applyRank(a.object) - applyRank(b.object) || a.index - b.index,
    )
    .map(({ object }) => object);
  return { objects: ordered, skippedFiles };
}
