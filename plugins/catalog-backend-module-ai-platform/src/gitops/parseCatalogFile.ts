import type { Entity } from '@backstage/catalog-model';
import { parseAllDocuments } from 'yaml';

/**
 * Result of {@link parseCatalogFile}.
 *
 * @internal
 */
export type ParsedCatalogFile = {
  /** Entities of the documents that parsed and look like entities. */
  entities: Entity[];
  /** One message per problem, naming the document and what was expected. */
  problems: string[];
  /** True when the YAML itself is broken; then `entities` is empty. */
  syntaxError: boolean;
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entityShapeProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) {
    return 'expected a mapping with apiVersion, kind and metadata';
  }
  if (typeof value.apiVersion !== 'string' || !value.apiVersion) {
    return 'apiVersion: expected a non-empty string';
  }
  if (typeof value.kind !== 'string' || !value.kind) {
    return 'kind: expected a non-empty string';
  }
  if (!isPlainObject(value.metadata)) {
    return 'metadata: expected a mapping';
  }
  if (typeof value.metadata.name !== 'string' || !value.metadata.name) {
    return 'metadata.name: expected a non-empty string';
  }
  if (
    value.metadata.annotations !== undefined &&
    !isPlainObject(value.metadata.annotations)
  ) {
    return 'metadata.annotations: expected a mapping';
  }
  return undefined;
}

/**
 * Parses a `catalog-info.yaml` that may hold several YAML documents. A file with a YAML
 * syntax error yields no entities; a document that is not an entity is skipped on its own.
 * Empty documents are ignored. Full validation is left to the catalog's processors.
 *
 * @internal
 */
export function parseCatalogFile(content: string): ParsedCatalogFile {
  const documents = parseAllDocuments(content);
  const syntaxProblems = documents.flatMap((doc, index) =>
    doc.errors.map(e => `document ${index + 1}: ${e.message.split('\n')[0]}`),
  );
  if (syntaxProblems.length > 0) {
    return { entities: [], problems: syntaxProblems, syntaxError: true };
  }

  const entities: Entity[] = [];
  const problems: string[] = [];
  documents.forEach((doc, index) => {
    const value = doc.toJS();
    if (value === null || value === undefined) {
      return;
    }
    const problem = entityShapeProblem(value);
    if (problem) {
      problems.push(`document ${index + 1}: ${problem}`);
    } else {
      entities.push(value as Entity);
    }
  });
  return { entities, problems, syntaxError: false };
}
