import {
  gpuContainerPolicy,
  gpuPodPolicy,
  objectPolicy,
  shmVolumesPolicy,
} from './platformPolicies';

/**
 * The KServe kinds the renderer emits. No maintained package ships models for them, so their
 * structure and the platform rules are written here together; the PodSpec that an
 * LLMInferenceService embeds is also checked against the core model (validateManifests.ts).
 */

const stringMap = {
  type: 'object',
  additionalProperties: { type: 'string' },
};

/**
 * Schemas of the KServe kinds, keyed by `apiVersion/kind`.
 *
 * @internal
 */
export const kserveSchemas: Record<string, object> = {
  'serving.kserve.io/v1beta1/InferenceService': objectPolicy(
    'serving.kserve.io/v1beta1',
    'InferenceService',
    {
      type: 'object',
      required: ['predictor'],
      properties: {
        predictor: {
          type: 'object',
          required: [
            'minReplicas',
            'maxReplicas',
            'nodeSelector',
            'tolerations',
            'securityContext',
            'volumes',
            'model',
          ],
          properties: {
            minReplicas: { type: 'integer', minimum: 0 },
            maxReplicas: { type: 'integer', minimum: 1 },
            nodeSelector: stringMap,
            volumes: shmVolumesPolicy,
            model: {
              ...gpuContainerPolicy,
              required: [
                ...gpuContainerPolicy.required.filter(r => r !== 'name'),
                'modelFormat',
                'storageUri',
              ],
              properties: {
                ...gpuContainerPolicy.properties,
                args: { type: 'array', items: { type: 'string' } },
                modelFormat: {
                  type: 'object',
                  required: ['name'],
                  properties: { name: { const: 'huggingface' } },
                },
                storageUri: { type: 'string', pattern: '^hf://' },
              },
            },
          },
        },
      },
    },
  ),
  'serving.kserve.io/v1alpha2/LLMInferenceService': objectPolicy(
    'serving.kserve.io/v1alpha2',
    'LLMInferenceService',
    {
      type: 'object',
      required: ['model', 'template'],
      // replicas and scaling are mutually exclusive
      not: { required: ['replicas', 'scaling'] },
      properties: {
        model: {
          type: 'object',
          required: ['uri', 'name'],
          properties: { uri: { type: 'string', pattern: '^hf://' } },
        },
        replicas: { type: 'integer', minimum: 0 },
        scaling: {
          type: 'object',
          required: ['minReplicas', 'maxReplicas'],
        },
        parallelism: {
          type: 'object',
          properties: { tensor: { type: 'integer', minimum: 1 } },
        },
        template: {
          ...gpuPodPolicy,
          properties: {
            ...gpuPodPolicy.properties,
            containers: {
              type: 'array',
              minItems: 1,
              items: gpuContainerPolicy,
              contains: {
                type: 'object',
                properties: { name: { const: 'main' } },
              },
            },
          },
        },
      },
    },
  ),
};
