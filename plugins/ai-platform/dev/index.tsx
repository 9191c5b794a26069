import { createDevApp } from '@backstage/frontend-dev-utils';
import {
  ApiBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import plugin from '../src';

// The dev app has no catalog backend: serve a few example entities from memory.
const exampleCatalog = createFrontendModule({
  pluginId: 'app',
  extensions: [
    ApiBlueprint.make({
      name: 'example-catalog',
      params: defineParams =>
        defineParams(
          catalogApiMock.factory({
            entities: [
              {
                apiVersion: 'aiplatform.io/v1alpha1',
                kind: 'ModelEndpoint',
                metadata: { name: 'llama-3-1-8b-chat' },
                spec: {
                  type: 'chat',
                  lifecycle: 'production',
                  owner: 'group:ml-platform',
                  model: { name: 'meta-llama/Llama-3.1-8B-Instruct' },
                  serving: {
                    mode: 'self-hosted',
                    runtime: 'vllm',
                    gpuProfile: 'nvidia-l4-1x',
                  },
                  gateway: { model: 'llama-3.1-8b' },
                  dataClassification: 'confidential',
                },
              },
              {
                apiVersion: 'aiplatform.io/v1alpha1',
                kind: 'ModelEndpoint',
                metadata: { name: 'gpt-4o' },
                spec: {
                  type: 'chat',
                  lifecycle: 'production',
                  owner: 'group:ml-platform',
                  model: { name: 'gpt-4o' },
                  serving: { mode: 'managed', provider: 'openai' },
                  gateway: { model: 'gpt-4o' },
                  dataClassification: 'internal',
                },
              },
              {
                apiVersion: 'aiplatform.io/v1alpha1',
                kind: 'Agent',
                metadata: { name: 'support-triage' },
                spec: {
                  type: 'assistant',
                  lifecycle: 'production',
                  owner: 'group:customer-support',
                  audience: 'product',
                  autonomyLevel: 'L3',
                  riskTier: 'limited',
                  models: ['llama-3-1-8b-chat', 'modelendpoint:default/gpt-4o'],
                },
              },
            ],
          }),
        ),
    }),
  ],
});

createDevApp({ features: [plugin, exampleCatalog] });
