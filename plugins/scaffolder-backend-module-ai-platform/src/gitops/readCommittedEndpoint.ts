import { NotFoundError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  GitCommandRunner,
  createScratchDir,
} from '@ai-platform/plugin-ai-platform-node';
import { isRemoteRepository } from './commitToGitopsRepository';

/**
 * A ModelEndpoint as the GitOps repository holds it: its folder, its `catalog-info.yaml`
 * entity and every file of the folder.
 *
 * @internal
 */
export type CommittedEndpoint = {
  /** Repository-relative folder holding the endpoint's files (the folder of its catalog-info.yaml). */
  folder: string;
  /** The branch head the files were read at. */
  commitId: string;
  /** The git tree id of `folder` at `commitId`, for the optimistic check of the commit. */
  folderTreeId: string;
  /** The parsed ModelEndpoint document of the folder's catalog-info.yaml. */
  entity: {
    apiVersion: string;
    kind: string;
    metadata: {
      name: string;
      namespace?: string;
      annotations?: Record<string, string>;
    };
    spec: Record<string, any>;
  };
  /** Folder-relative path → content of every file in the folder. */
  files: Record<string, string>;
};

/**
 * Reads the endpoint `name` from a branch of the GitOps repository: finds the
 * `catalog-info.yaml` that holds a ModelEndpoint of that name (in the `default` namespace)
 * and returns its folder's files. Throws NotFoundError when the branch or the endpoint is
 * missing, naming what was searched.
 *
 * @internal
 */
export async function readCommittedEndpoint(options: {
  repository: string;
  branch: string;
  name: string;
  token?: string;
  authorName: string;
  authorEmail: string;
}): Promise<CommittedEndpoint> {
  const { repository, branch, name } = options;
  const scratchDir = await createScratchDir();
  try {
    const git = await GitCommandRunner.create({
      scratchDir,
      token:
        options.token && /^https:\/\//i.test(repository)
          ? options.token
          : undefined,
      authorName: options.authorName,
      authorEmail: options.authorEmail,
    });
    const where = `branch '${branch}' of the GitOps repository ${git.redact(
      repository,
    )}`;
    const localMissing =
      !isRemoteRepository(repository) &&
      !(await fs
        .access(repository)
        .then(() => true)
        .catch(() => false));
    const heads = localMissing
      ? ''
      : await git.run(
          ['ls-remote', '--heads', '--', repository, `refs/heads/${branch}`],
          scratchDir,
        );
    if (!heads.trim()) {
      throw new NotFoundError(
        `ModelEndpoint '${name}' is not in the GitOps repository: ${where} does not exist`,
      );
    }
    const checkoutDir = path.join(scratchDir, 'checkout');
    await git.run(
      [
        'clone',
        '--quiet',
        '--depth=1',
        '--single-branch',
        `--branch=${branch}`,
        '--',
        repository,
        checkoutDir,
      ],
      scratchDir,
    );
    const commitId = (await git.run(['rev-parse', 'HEAD'], checkoutDir)).trim();
    const catalogFiles = (await git.run(['ls-files', '-z'], checkoutDir))
      .split('\0')
      .filter(
        f => f === 'catalog-info.yaml' || f.endsWith('/catalog-info.yaml'),
      );

    for (const catalogFile of catalogFiles) {
      let documents: any[];
      try {
        documents = yaml
          .parseAllDocuments(
            await fs.readFile(path.join(checkoutDir, catalogFile), 'utf8'),
          )
          .map(doc => doc.toJS());
      } catch {
        continue;
      }
      const entity = documents.find(
        doc =>
          doc?.kind === 'ModelEndpoint' &&
          doc?.metadata?.name === name &&
          (doc.metadata.namespace ?? 'default') === 'default',
      );
      if (!entity) {
        continue;
      }
      const folder = path.posix.dirname(catalogFile);
      if (folder === '.') {
        // An endpoint at the repository root cannot be changed or removed as a folder.
        continue;
      }
      const files: Record<string, string> = {};
      const folderFiles = (
        await git.run(['ls-files', '-z', '--', folder], checkoutDir)
      )
        .split('\0')
        .filter(Boolean);
      for (const file of folderFiles) {
        files[path.posix.relative(folder, file)] = await fs.readFile(
          path.join(checkoutDir, file),
          'utf8',
        );
      }
      const folderTreeId = (
        await git.run(['rev-parse', `HEAD:${folder}`], checkoutDir)
      ).trim();
      return { folder, commitId, folderTreeId, entity, files };
    }
    throw new NotFoundError(
      `ModelEndpoint '${name}' is not in the GitOps repository: no catalog-info.yaml on ${where} holds it (was it created outside the golden path, or already decommissioned?)`,
    );
  } finally {
    await fs.rm(scratchDir, { recursive: true, force: true });
  }
}
