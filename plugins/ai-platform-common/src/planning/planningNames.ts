import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Whether a string is a Kubernetes DNS-1123 label (lowercase alphanumerics and '-', starting
 * and ending alphanumeric, at most 63 characters).
 *
 * @public
 */
export function isDns1123Label(value: string): boolean {
  return (
    typeof value === 'string' &&
    value.length <= 63 &&
    DNS_1123_LABEL.test(value)
  );
}

/**
 * Whether an extended resource name is a MIG slice (`nvidia.com/mig-<g>g.<mem>gb`).
 *
 * @public
 */
export function isMigResourceName(resourceName: string): boolean {
  return /^nvidia\.com\/mig-\d+g\.\d+gb$/.test(resourceName);
}

/**
 * Normalizes a group reference to `group:<namespace>/<name>` in lower case, or returns
 * undefined when it is not a valid entity reference.
 *
 * @public
 */
export function normalizeGroupRef(ref: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}
