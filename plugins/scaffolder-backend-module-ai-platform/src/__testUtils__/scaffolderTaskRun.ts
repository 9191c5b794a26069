import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import { repositoryRoot } from './scaffolderDryRun';

/**
 * templates/<name>/template.yaml as the catalog holds it: with the `file:` location the
 * scaffolder resolves `fetch:template` skeleton URLs against.
 */
export function readTemplateEntity(name: string): Entity {
  const templatePath = path.join(
    repositoryRoot,
    'templates',
    name,
    'template.yaml',
  );
  const entity = yaml.parse(readFileSync(templatePath, 'utf8')) as Entity;
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      namespace: 'default',
      annotations: {
        ...entity.metadata.annotations,
        'backstage.io/managed-by-location': `file:${templatePath}`,
        'backstage.io/managed-by-origin-location': `file:${templatePath}`,
      },
    },
  };
}

/** The outcome of a scaffolder task: its final status, its log and its output. */
export type ScaffolderTaskResult = {
  taskId: string;
  status: 'completed' | 'failed' | 'cancelled';
  /** Log messages in order, including step errors. */
  log: string[];
  output: JsonObject;
};

/**
 * Creates a real (non-dry) task of `template:default/<name>` through `POST /api/scaffolder/v2/tasks`
 * and waits until the task worker finishes it.
 */
export async function runScaffolderTask(
  server: Parameters<typeof request>[0],
  templateName: string,
  values: JsonObject,
  options: { timeoutMs?: number } = {},
): Promise<ScaffolderTaskResult> {
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .send({ templateRef: `template:default/${templateName}`, values });
  if (created.status !== 201) {
    throw new Error(
      `creating the task failed with HTTP ${created.status}: ${JSON.stringify(
        created.body,
      )}`,
    );
  }
  const taskId: string = created.body.id;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const task = await request(server).get(
      `/api/scaffolder/v2/tasks/${taskId}`,
    );
    const status = task.body.status;
    if (
      status === 'completed' ||
      status === 'failed' ||
      status === 'cancelled'
    ) {
      const events = await request(server).get(
        `/api/scaffolder/v2/tasks/${taskId}/events`,
      );
      return {
        taskId,
        status,
        log: (events.body as any[])
          .filter(e => e.type === 'log')
          .map(e => String(e.body.message)),
        output:
          (events.body as any[]).find(e => e.type === 'completion')?.body
            ?.output ?? {},
      };
    }
    if (Date.now() > deadline) {
      throw new Error(`task ${taskId} still '${status}' after the timeout`);
    }
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}
