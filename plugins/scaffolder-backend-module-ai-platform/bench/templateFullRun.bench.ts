/*
 * `yarn bench templateFullRun`: a full, real run of templates/self-hosted-endpoint through a
 * real scaffolder backend's task API (plan → render → commit to a bare GitOps repository) until
 * the new ModelEndpoint comes out of the catalog's GitOps entity provider
 * (GitopsRepositoryEntityProvider.refresh, what aiPlatform.gitops.catalogSync runs on its
 * schedule). Baselines in the same run: the dry run of the same template through
 * /api/scaffolder/v2/dry-run, and a plain `git clone` + `git commit` + `git push` of the same
 * files. Issue target: < 10 s.
 */
// The GitOps entity provider lives in the catalog module, which this package does not depend on.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { GitopsRepositoryEntityProvider } from '../../catalog-backend-module-ai-platform/src/gitops/GitopsRepositoryEntityProvider';
// The `yarn bench` harness types live in scripts/bench, which is not a package.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { measure, type BenchCase } from '../../../scripts/bench/types';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { DeferredEntity } from '@backstage/plugin-catalog-node';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { BareGitRepository, git } from '../src/__testUtils__/bareGitRepository';
import {
  readTemplateForDryRun,
  startScaffolderWithAiPlatform,
} from '../src/__testUtils__/scaffolderDryRun';
import {
  readTemplateEntity,
  runScaffolderTask,
} from '../src/__testUtils__/scaffolderTaskRun';

const TARGET_MS = 10_000;
const RUNS = 5;

const selfHostedValues = {
  owner: 'group:default/ml-platform',
  dataClassification: 'internal',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  gpuProfile: 'l4-24gb',
  tensorParallelSize: 1,
  cluster: 'gpu-eu-west-1',
  runtime: 'vllm',
  contextTokens: 8192,
  maxConcurrentSequences: 1,
  minReplicas: 1,
  maxReplicas: 2,
};

/** A logger that drops everything (mockServices' logger needs jest). */
const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

const benchCase: BenchCase = {
  name: 'template full run (self-hosted endpoint)',
  description:
    'Real scaffolder task of templates/self-hosted-endpoint (plan + render + GitOps commit to a bare repo) until the ModelEndpoint comes out of the GitOps entity provider, vs the dry run of the same template and vs a plain git commit + push of the same files',
  async run() {
    const gitops = new BareGitRepository();
    gitops.commitFromOutside({ 'README.md': '# GitOps\n' }, 'Initial commit');
    const backend = await startScaffolderWithAiPlatform({
      gitopsRepository: gitops.path,
      extraEntities: [readTemplateEntity('self-hosted-endpoint')],
    });
    let applied: DeferredEntity[] = [];
    const provider = new GitopsRepositoryEntityProvider({
      repository: gitops.path,
      branch: 'main',
      logger: silentLogger,
    });
    await provider.connect({
      applyMutation: async mutation => {
        if (mutation.type === 'full') {
          applied = mutation.entities;
        }
      },
      refresh: async () => {},
    });
    await provider.refresh();
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'ai-platform-bench-'));

    try {
      let run = 0;
      let lastFiles: Record<string, string> = {};
      const fullRun = async () => {
        run += 1;
        const name = `llama-8b-bench-${run}`;
        const result = await runScaffolderTask(
          backend.server,
          'self-hosted-endpoint',
          { ...selfHostedValues, name },
          { timeoutMs: 60_000 },
        );
        if (result.status !== 'completed') {
          throw new Error(
            `task ${result.taskId} ${result.status}: ${result.log.join('\n')}`,
          );
        }
        const sync = await provider.refresh();
        const ref = `modelendpoint:default/${name}`;
        if (
          sync.outcome !== 'applied' ||
          !applied.some(d => stringifyEntityRef(d.entity) === ref)
        ) {
          throw new Error(`${ref} did not come out of the GitOps provider`);
        }
        const folder = `clusters/gpu-eu-west-1/llm-shared/${name}`;
        lastFiles = Object.fromEntries(
          gitops
            .listFiles()
            .filter(f => f.startsWith(`${folder}/`))
            .map(f => [f.slice(folder.length + 1), gitops.readFile(f)]),
        );
      };

      const selfHosted = readTemplateForDryRun('self-hosted-endpoint');
      const dryRun = async () => {
        const response = await request(backend.server)
          .post('/api/scaffolder/v2/dry-run')
          .send({
            ...selfHosted,
            values: { ...selfHostedValues, name: 'llama-8b-bench-dry' },
            secrets: {},
          });
        if (response.status !== 200) {
          throw new Error(
            `dry run failed with HTTP ${response.status}: ${JSON.stringify(
              response.body,
            )}`,
          );
        }
      };

      // The same files committed by hand: clone, write, add, commit, push.
      let plainRun = 0;
      const plainCommit = async () => {
        plainRun += 1;
        const cloneDir = path.join(scratch, `clone-${plainRun}`);
        git(['clone', '--quiet', gitops.path, cloneDir], scratch);
        const folder = path.join(cloneDir, `plain/llama-8b-plain-${plainRun}`);
        for (const [file, content] of Object.entries(lastFiles)) {
          mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
          writeFileSync(path.join(folder, file), content);
        }
        git(['add', '--all'], cloneDir);
        git(['commit', '--quiet', '-m', `plain commit ${plainRun}`], cloneDir);
        git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], cloneDir);
      };

      const full = await measure(fullRun, { runs: RUNS, warmup: 1 });
      const commitsAfterFullRuns = gitops.commitCount();
      const dry = await measure(dryRun, { runs: RUNS, warmup: 1 });
      if (gitops.commitCount() !== commitsAfterFullRuns) {
        throw new Error('a dry run committed to the GitOps repository');
      }
      const plain = await measure(plainCommit, { runs: RUNS, warmup: 1 });

      return {
        figures: {
          'full run median ms (task + commit + catalog provider)':
            full.medianMs,
          'full run max ms': full.maxMs,
          'dry run median ms (baseline)': dry.medianMs,
          'plain git clone+commit+push median ms': plain.medianMs,
          'full run / plain git commit': Number(
            (full.medianMs / plain.medianMs).toFixed(2),
          ),
          'files committed per run': Object.keys(lastFiles).length,
        },
        targets: [
          {
            label: 'full run median ms (task + commit + catalog provider)',
            value: full.medianMs,
            op: '<',
            limit: TARGET_MS,
          },
        ],
        ratio: full.medianMs / dry.medianMs,
        ratioLabel: 'self-hosted full run (to catalog) / self-hosted dry run',
      };
    } finally {
      await backend.stop();
      gitops.remove();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

export default benchCase;
