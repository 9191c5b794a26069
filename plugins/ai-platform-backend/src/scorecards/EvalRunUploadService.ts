import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEvalRunUpload } from '../evals/parseEvalRunUpload';
import { EvalRunStore } from './types';

/**
 * Stores an uploaded eval run (`POST /evals`): parses the body (promptfoo,
 * Inspect AI or generic), stores it once and answers the stored run, with
 * `duplicate` when the same run was stored before.
 *
 * @internal
 */
export class EvalRunUploadService {
  constructor(
    private readonly options: {
      evalRunStore: EvalRunStore;
      logger: LoggerService;
    },
  ) {}

  async upload(body: unknown, query: Record<string, unknown>, now: Date) {
    const run = parseEvalRunUpload(body, query, now);
    const { run: stored, duplicate } =
      await this.options.evalRunStore.insertEvalRun(run);
    if (!duplicate) {
      this.options.logger.info(
        `Stored ${run.source} eval run ${run.runId} of '${run.suite}' ${run.suiteVersion} for ${run.entityRef}: score ${run.score}`,
      );
    }
    return {
      duplicate,
      run: {
        ...stored,
        startedAt: stored.startedAt.toISOString(),
        finishedAt: stored.finishedAt?.toISOString() ?? null,
        createdAt: stored.createdAt.toISOString(),
      },
    };
  }
}
