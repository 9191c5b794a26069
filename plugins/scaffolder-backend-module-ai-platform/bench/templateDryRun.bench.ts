/*
 * `yarn bench template`: times a dry run of templates/self-hosted-endpoint (plan, render, GitOps
 * commit dry run) through a real scaffolder backend's `/api/scaffolder/v2/dry-run`, against the
 * same request with a one-step `debug:log` template, in the same run. Issue target: < 2 s.
 */
// The `yarn bench` harness types live in scripts/bench, which is not a package.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { measure, type BenchCase } from '../../../scripts/bench/types';
import request from 'supertest';
import { BareGitRepository } from '../src/__testUtils__/bareGitRepository';
import {
  readTemplateForDryRun,
  startScaffolderWithAiPlatform,
} from '../src/__testUtils__/scaffolderDryRun';

const TARGET_MS = 2000;

const selfHostedValues = {
  name: 'llama-8b-bench',
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

const baselineTemplate = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'baseline-debug-log' },
  spec: {
    owner: 'group:default/ml-platform',
    type: 'benchmark',
    parameters: [
      { properties: { name: { type: 'string' } }, required: ['name'] },
    ],
    steps: [
      {
        id: 'log',
        name: 'Log',
        action: 'debug:log',
        input: { message: 'Hello ${{ parameters.name }}' },
      },
    ],
  },
};

const benchCase: BenchCase = {
  name: 'template dry run (self-hosted endpoint)',
  description:
    'POST /api/scaffolder/v2/dry-run of templates/self-hosted-endpoint (plan + render + GitOps commit dry run) vs a one-step debug:log template, same backend',
  async run() {
    const gitops = new BareGitRepository();
    gitops.commitFromOutside({ 'README.md': '# GitOps\n' }, 'Initial commit');
    const backend = await startScaffolderWithAiPlatform({
      gitopsRepository: gitops.path,
    });
    try {
      const selfHosted = readTemplateForDryRun('self-hosted-endpoint');
      const post = async (body: object) => {
        const response = await request(backend.server)
          .post('/api/scaffolder/v2/dry-run')
          .send(body);
        if (response.status !== 200) {
          throw new Error(
            `dry run failed with HTTP ${response.status}: ${JSON.stringify(
              response.body,
            )}`,
          );
        }
      };
      const subject = await measure(
        () => post({ ...selfHosted, values: selfHostedValues, secrets: {} }),
        { runs: 10, warmup: 2 },
      );
      const baseline = await measure(
        () =>
          post({
            template: baselineTemplate,
            values: { name: 'bench' },
            secrets: {},
            directoryContents: [],
          }),
        { runs: 10, warmup: 2 },
      );
      if (gitops.commitCount() !== 1) {
        throw new Error('a dry run committed to the GitOps repository');
      }
      return {
        figures: {
          'self-hosted dry run median ms': subject.medianMs,
          'self-hosted dry run max ms': subject.maxMs,
          'debug:log dry run median ms (baseline)': baseline.medianMs,
        },
        targets: [
          {
            label: 'self-hosted dry run median ms',
            value: subject.medianMs,
            op: '<',
            limit: TARGET_MS,
          },
        ],
        ratio: subject.medianMs / baseline.medianMs,
        ratioLabel: 'self-hosted template dry run / debug:log dry run',
      };
    } finally {
      await backend.stop();
      gitops.remove();
    }
  },
};

export default benchCase;
