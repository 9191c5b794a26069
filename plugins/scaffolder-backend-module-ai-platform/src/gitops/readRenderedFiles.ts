import { InputError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * One file to commit, with its path relative to the folder it was read from.
 *
 * @internal
 */
export type RenderedFile = {
  /** POSIX-style path relative to the source folder. */
  relativePath: string;
  content: Buffer;
};

/**
 * Reads every regular file below `sourceDir` (skipping `.git` folders), sorted by path.
 * `fieldName` names the action input in error messages.
 *
 * @internal
 */
export async function readRenderedFiles(
  sourceDir: string,
  fieldName: string,
): Promise<RenderedFile[]> {
  const stat = await fs.stat(sourceDir).catch(() => undefined);
  if (!stat) {
    throw new InputError(
      `${fieldName} '${sourceDir}' does not exist in the task workspace; point it at the folder holding the rendered files`,
    );
  }
  if (!stat.isDirectory()) {
    throw new InputError(
      `${fieldName} '${sourceDir}' is a file; expected a folder holding the rendered files`,
    );
  }

  const files: RenderedFile[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const relativePath = prefix ? `${prefix}/${entry.name}` : entry.name;
      const absolutePath = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git') {
          await walk(absolutePath, relativePath);
        }
      } else if (entry.isFile()) {
        files.push({ relativePath, content: await fs.readFile(absolutePath) });
      } else if (entry.isSymbolicLink()) {
        throw new InputError(
          `${fieldName} contains a symbolic link '${relativePath}'; only regular files can be committed`,
        );
      }
    }
  };
  await walk(sourceDir, '');

  if (files.length === 0) {
    throw new InputError(
      `${fieldName} '${sourceDir}' contains no files; render the files before committing them`,
    );
  }
  return files.sort((a, b) => a.relativePath.localeCompare(b.relativePath));
}
