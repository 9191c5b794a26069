import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_GITOPS_BRANCH,
  ANNOTATION_GITOPS_COMMIT,
  ANNOTATION_GITOPS_COMMIT_TIME,
  ANNOTATION_GITOPS_CREATED_TIME,
  ANNOTATION_GITOPS_PATH,
  ANNOTATION_GITOPS_REPOSITORY,
  GITOPS_LOCATION_TYPE,
} from './annotations';
import {
  GitopsCatalogFile,
  GitopsRepositoryReader,
  displayGitopsRepository,
} from './GitopsRepositoryReader';
import { parseCatalogFile } from './parseCatalogFile';

/**
 * How often the repository is checked when `aiPlatform.gitops.catalogSync.frequencySeconds` is not set.
 *
 * @public
 */
export const DEFAULT_GITOPS_CATALOG_SYNC_FREQUENCY_SECONDS = 15;

/**
 * Options for {@link GitopsRepositoryEntityProvider}.
 *
 * @public
 */
export type GitopsRepositoryEntityProviderOptions = {
  /** Local path of the (bare) GitOps repository, or a remote URL. */
  repository: string;
  /** Branch to read; defaults to `main`. */
  branch?: string;
  /** Token for an HTTPS remote, handed to git through `GIT_ASKPASS`. */
  token?: string;
  /** How often the branch head is checked. Defaults to 15 seconds. */
  frequencySeconds?: number;
  /**
   * Web address of a commit, with `{commit}` replaced by its id, e.g.
   * `https://github.com/acme/gitops/commit/{commit}`. When set, every entity gets a link to it.
   */
  commitUrlTemplate?: string;
  /** Folder for mirrors of remote repositories; defaults to one under the OS temp dir. */
  cacheDir?: string;
  logger: LoggerService;
  /** Runs the refresh on the schedule; without it only {@link GitopsRepositoryEntityProvider.refresh} reads. */
  scheduler?: SchedulerService;
};

/**
 * What one {@link GitopsRepositoryEntityProvider.refresh} did.
 *
 * @public
 */
export type GitopsCatalogSyncResult =
  | { outcome: 'unchanged'; commitSha?: string }
  | { outcome: 'empty' }
  | {
      outcome: 'applied';
      commitSha: string;
      entityCount: number;
      /** Paths of files that could not be parsed (entirely or in part). */
      skippedPaths: string[];
    };

/**
 * Keeps the catalog in sync with the `catalog-info.yaml` files of the platform's GitOps
 * repository, where the `ai-platform:gitops:commit` scaffolder action commits. On each run it
 * reads the branch head; only when it moved does it read every `catalog-info.yaml` at that
 * commit and apply them as a full mutation, so an entity whose file was deleted disappears.
 *
 * @public
 */
export class GitopsRepositoryEntityProvider implements EntityProvider {
  readonly #reader: GitopsRepositoryReader;
  readonly #repositoryDisplay: string;
  readonly #branch: string;
  readonly #frequencySeconds: number;
  readonly #commitUrlTemplate?: string;
  readonly #logger: LoggerService;
  readonly #scheduler?: SchedulerService;
  #connection?: EntityProviderConnection;
  /** The head applied last: a commit id, `null` for "no branch", `undefined` before the first run. */
  #appliedHead: string | null | undefined;
  /** Entities of each path at the last applied commit, kept when that file later breaks. */
  #entitiesByPath = new Map<string, DeferredEntity[]>();
  /** The last failure logged, so a lasting failure is logged once rather than on every run. */
  #lastFailureMessage?: string;

  /**
   * Creates the provider from `aiPlatform.gitops`, or returns `undefined` when no repository
   * is configured.
   */
  static fromConfig(
    config: Config,
    deps: { logger: LoggerService; scheduler: SchedulerService },
  ): GitopsRepositoryEntityProvider | undefined {
    const gitops = config.getOptionalConfig('aiPlatform.gitops');
    const repository = gitops?.getOptionalString('repository');
    if (!gitops || !repository) {
      return undefined;
    }
    const frequencySeconds = gitops.getOptionalNumber(
      'catalogSync.frequencySeconds',
    );
    if (
      frequencySeconds !== undefined &&
      !(Number.isFinite(frequencySeconds) && frequencySeconds > 0)
    ) {
      throw new InputError(
        `aiPlatform.gitops.catalogSync.frequencySeconds: expected a positive number of seconds, got ${frequencySeconds}`,
      );
    }
    const commitUrlTemplate = gitops.getOptionalString(
      'catalogSync.commitUrlTemplate',
    );
    if (
      commitUrlTemplate !== undefined &&
      !commitUrlTemplate.includes('{commit}')
    ) {
      throw new InputError(
        `aiPlatform.gitops.catalogSync.commitUrlTemplate: expected a URL containing {commit}, got '${commitUrlTemplate}'`,
      );
    }
    return new GitopsRepositoryEntityProvider({
      repository,
      branch: gitops.getOptionalString('branch'),
      token: gitops.getOptionalString('token'),
      frequencySeconds,
      commitUrlTemplate,
      logger: deps.logger,
      scheduler: deps.scheduler,
    });
  }

  constructor(options: GitopsRepositoryEntityProviderOptions) {
    this.#branch = options.branch ?? 'main';
    this.#reader = new GitopsRepositoryReader({
      repository: options.repository,
      branch: this.#branch,
      token: options.token,
      cacheDir: options.cacheDir,
    });
    this.#repositoryDisplay = displayGitopsRepository(options.repository);
    this.#frequencySeconds =
      options.frequencySeconds ?? DEFAULT_GITOPS_CATALOG_SYNC_FREQUENCY_SECONDS;
    this.#commitUrlTemplate = options.commitUrlTemplate;
    this.#logger = options.logger;
    this.#scheduler = options.scheduler;
  }

  /** {@inheritdoc @backstage/plugin-catalog-node#EntityProvider.getProviderName} */
  getProviderName(): string {
    return 'ai-platform-gitops-repository';
  }

  /** {@inheritdoc @backstage/plugin-catalog-node#EntityProvider.connect} */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    if (!this.#scheduler) {
      return;
    }
    await this.#scheduler.scheduleTask({
      id: `${this.getProviderName()}:refresh`,
      frequency: { seconds: this.#frequencySeconds },
      timeout: { minutes: 5 },
      fn: async () => {
        try {
          await this.refresh();
          this.#lastFailureMessage = undefined;
        } catch (error) {
          const message = `Could not sync the catalog with GitOps repository ${
            this.#repositoryDisplay
          } (branch ${this.#branch}): ${error}`;
          if (message !== this.#lastFailureMessage) {
            this.#logger.warn(message);
            this.#lastFailureMessage = message;
          }
        }
      },
    });
  }

  /**
   * Reads the branch head and, when it moved since the last run, applies every entity of the
   * repository as a full mutation. Throws when git fails (nothing is applied then).
   */
  async refresh(): Promise<GitopsCatalogSyncResult> {
    const connection = this.#connection;
    if (!connection) {
      throw new Error(
        `${this.getProviderName()} is not connected to the catalog yet`,
      );
    }
    const head = (await this.#reader.readHeadCommit()) ?? null;
    if (head === this.#appliedHead) {
      return { outcome: 'unchanged', commitSha: head ?? undefined };
    }

    if (head === null) {
      this.#logger.info(
        `GitOps repository ${this.#repositoryDisplay} has no branch ${
          this.#branch
        } yet; it provides no entities`,
      );
      await connection.applyMutation({ type: 'full', entities: [] });
      this.#appliedHead = null;
      this.#entitiesByPath = new Map();
      return { outcome: 'empty' };
    }

    const files = await this.#reader.readCatalogFiles(head);
    const entitiesByPath = new Map<string, DeferredEntity[]>();
    const skippedPaths: string[] = [];
    for (const file of files) {
      const parsed = parseCatalogFile(file.content);
      if (parsed.problems.length > 0) {
        skippedPaths.push(file.path);
        const previous = parsed.syntaxError
          ? this.#entitiesByPath.get(file.path)
          : undefined;
        this.#logger.warn(
          `Skipped ${parsed.syntaxError ? 'file' : 'part of'} ${
            file.path
          } in GitOps repository ${
            this.#repositoryDisplay
          } at commit ${head}: ${parsed.problems.join('; ')}${
            previous
              ? `; keeping its ${previous.length} entities from the last readable version`
              : ''
          }`,
        );
        if (previous) {
          entitiesByPath.set(file.path, previous);
          continue;
        }
      }
      entitiesByPath.set(
        file.path,
        parsed.entities.map(entity => ({
          entity: this.#annotate(entity, file),
          locationKey: `${GITOPS_LOCATION_TYPE}:${this.#repositoryDisplay}`,
        })),
      );
    }

    const entities = this.#withoutDuplicates(entitiesByPath);
    await connection.applyMutation({ type: 'full', entities });
    this.#appliedHead = head;
    this.#entitiesByPath = entitiesByPath;
    this.#logger.info(
      `Applied ${entities.length} entities from ${
        files.length
      } catalog-info.yaml files of GitOps repository ${
        this.#repositoryDisplay
      } at commit ${head}`,
    );
    return {
      outcome: 'applied',
      commitSha: head,
      entityCount: entities.length,
      skippedPaths,
    };
  }

  #annotate(
    entity: Entity,
    file: Pick<
      GitopsCatalogFile,
      'path' | 'commitSha' | 'commitTime' | 'firstCommitTime'
    >,
  ): Entity {
    const { path: filePath, commitSha } = file;
    const location = `${GITOPS_LOCATION_TYPE}:${
      this.#repositoryDisplay
    }/${filePath}`;
    const links = [...(entity.metadata.links ?? [])];
    if (this.#commitUrlTemplate) {
      links.push({
        url: this.#commitUrlTemplate.split('{commit}').join(commitSha),
        title: `GitOps commit ${commitSha.slice(0, 7)}`,
      });
    }
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        ...(links.length > 0 ? { links } : {}),
        annotations: {
          ...entity.metadata.annotations,
          [ANNOTATION_LOCATION]: location,
          [ANNOTATION_ORIGIN_LOCATION]: location,
          [ANNOTATION_GITOPS_REPOSITORY]: this.#repositoryDisplay,
          [ANNOTATION_GITOPS_BRANCH]: this.#branch,
          [ANNOTATION_GITOPS_PATH]: filePath,
          [ANNOTATION_GITOPS_COMMIT]: commitSha,
          [ANNOTATION_GITOPS_COMMIT_TIME]: file.commitTime,
          [ANNOTATION_GITOPS_CREATED_TIME]: file.firstCommitTime,
        },
      },
    };
  }

  /** The first file (in path order) that declares an entity wins; later duplicates are logged and dropped. */
  #withoutDuplicates(
    entitiesByPath: Map<string, DeferredEntity[]>,
  ): DeferredEntity[] {
    const seen = new Map<string, string>();
    const result: DeferredEntity[] = [];
    for (const [filePath, deferred] of entitiesByPath) {
      for (const item of deferred) {
        const ref = stringifyEntityRef(item.entity).toLocaleLowerCase('en-US');
        const firstPath = seen.get(ref);
        if (firstPath !== undefined) {
          this.#logger.warn(
            `Skipped ${ref} in ${filePath} of GitOps repository ${
              this.#repositoryDisplay
            }: already declared in ${firstPath}`,
          );
          continue;
        }
        seen.set(ref, filePath);
        result.push(item);
      }
    }
    return result;
  }
}
