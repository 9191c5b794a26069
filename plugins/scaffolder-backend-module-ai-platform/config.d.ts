export interface Config {
  /** Configuration of the AI Platform plugin suite. */
  aiPlatform?: {
    /** Where the `ai-platform:gitops:commit` scaffolder action commits rendered files. */
    gitops?: {
      /**
       * URL or local path of the GitOps repository. A local path that does not exist yet is
       * created as an empty bare repository on the first commit. Relative paths resolve
       * against the backend's working directory.
       * Examples: `/srv/backstage/.data/gitops.git`, `https://git.example.com/platform/gitops.git`.
       */
      repository: string;
      /**
       * Branch the action commits to; created when it does not exist yet.
       * Defaults to `main`.
       */
      branch?: string;
      /**
       * Name of the commit author and committer.
       * Defaults to `AI Platform`.
       */
      authorName?: string;
      /**
       * Email of the commit author and committer.
       * Defaults to `ai-platform@backstage.local`.
       */
      authorEmail?: string;
      /**
       * Token for an HTTPS remote, sent as the password (user `x-access-token`) through
       * `GIT_ASKPASS`; never placed in the URL, the command line or the logs.
       * @visibility secret
       */
      token?: string;
    };

    /**
     * Share of a GPU's usable memory vLLM may take (`--gpu-memory-utilization`), used by the
     * memory-fit check and rendered into the manifests. Between 0 and 1; defaults to 0.92
     * (the current vLLM default).
     */
    gpuMemoryUtilization?: number;

    /** GPU profiles developers pick from in the self-hosted endpoint golden path. */
    gpuProfiles?: Array<{
      /** Profile id, e.g. `h100-80gb` or `h100-mig-3g-40gb`. */
      id: string;
      /** Human-readable title shown in pickers. */
      title?: string;
      /**
       * Extended resource requested per GPU unit: `nvidia.com/gpu`, `nvidia.com/gpu.shared`, or
       * a MIG slice under the mixed strategy such as `nvidia.com/mig-3g.40gb`.
       */
      resourceName: string;
      /** Memory usable by the runtime on one GPU unit, in GiB (below nominal, e.g. 22.49 on an L4). */
      usableMemoryGiB: number;
      /** GPUs per replica when the request sets no tensor-parallel size. Defaults to 1. */
      gpusPerReplica?: number;
      /** Node selector placing pods on this GPU, e.g. `nvidia.com/gpu.product: NVIDIA-L4`. */
      nodeSelector?: { [label: string]: string };
      /** Tolerations for the GPU nodes' taints. */
      tolerations?: Array<{
        /** Taint key, e.g. `nvidia.com/gpu`. */
        key: string;
        /** `Exists` or `Equal`. */
        operator: 'Exists' | 'Equal';
        /** Taint value, with operator `Equal`. */
        value?: string;
        /** Taint effect. */
        effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
      }>;
      /** Price of one GPU unit for one hour, in US dollars. */
      hourlyCostUsd: number;
    }>;

    /** GPU clusters endpoints are deployed to. */
    clusters?: Array<{
      /** Cluster name, also the name of its catalog Resource, e.g. `gpu-eu-west-1`. */
      name: string;
      /** Cloud region, e.g. `eu-west-1`. */
      region: string;
      /** Ids of the GPU profiles the cluster offers. */
      gpuProfiles: string[];
      /** Data classifications (`public`, `internal`, `confidential`, `restricted`) the cluster may process. */
      allowedDataClassifications: Array<
        'public' | 'internal' | 'confidential' | 'restricted'
      >;
      /** Folder of the cluster in the GitOps repository; defaults to `clusters/<name>`. */
      gitopsPathPrefix?: string;
      /**
       * The cluster's Kubernetes API server, for direct server-side apply with
       * `ai-platform:kubernetes:apply` (not used by the GitOps path).
       */
      apiServer?: {
        /** API server URL, e.g. `https://gpu-eu-west-1.k8s.example.com:6443`. */
        url: string;
        /** Base64-encoded PEM certificate authority bundle that signed the API server's certificate. */
        caData?: string;
        /** Skip TLS certificate verification; for local test clusters only. Defaults to false. */
        skipTLSVerify?: boolean;
        /**
         * Bearer token of a ServiceAccount scoped to the namespaces endpoints are applied to.
         * @visibility secret
         */
        serviceAccountToken: string;
      };
      /** Kueue LocalQueue name for endpoints on this cluster, unless the team sets one. */
      kueueQueueName?: string;
    }>;

    /** Models approved for self-hosting, with the architecture numbers from their config.json. */
    models?: Array<{
      /** The model's name at its source, e.g. `meta-llama/Llama-3.1-8B-Instruct`. */
      name: string;
      /** What the model serves (`chat`, `completion`, `embedding`, `rerank`, `classification`); defaults to `chat`. */
      type?: 'chat' | 'completion' | 'embedding' | 'rerank' | 'classification';
      /** Parameter count in billions, e.g. 8.03. */
      parametersBillions: number;
      /** `num_hidden_layers`. */
      layers: number;
      /** `num_key_value_heads`. */
      kvHeads: number;
      /** `head_dim` (or hidden_size / num_attention_heads). */
      headDim: number;
      /** Context length used when the request sets none, in tokens. */
      defaultContextTokens: number;
      /** Longest context the model supports, in tokens. */
      maxContextTokens: number;
      /** Licence identifier, e.g. `llama3.1`. */
      license: string;
      /** Most sensitive data classification the model is approved for. */
      maxDataClassification:
        | 'public'
        | 'internal'
        | 'confidential'
        | 'restricted';
      /** Bytes per weight: 2 for bf16/fp16 (default), 1 for fp8/int8, 0.5 for int4. */
      dtypeBytes?: number;
      /** Bytes per KV-cache element: 2 (default), 1 with `--kv-cache-dtype fp8`. */
      kvCacheDtypeBytes?: number;
    }>;

    /** GPU quota and monthly budget per team (catalog group). */
    teams?: Array<{
      /** The team's group as an entity reference, e.g. `group:default/ml-platform`. */
      group: string;
      /** Kubernetes namespace the team's endpoints run in. */
      namespace: string;
      /** The team's Kueue LocalQueue; overrides the cluster's. */
      kueueQueueName?: string;
      /** GPU units the team may hold at max replicas, per GPU profile id. */
      gpuQuota?: { [gpuProfileId: string]: number };
      /** Monthly budget for the team's self-hosted endpoints, in US dollars. */
      monthlyBudgetUsd: number;
    }>;

    /** Extra plan rules: CEL expressions over `request` and `plan` that must evaluate to true. */
    policies?: Array<{
      /** Policy id, shown as `policy:<id>` in the plan's decisions. */
      id: string;
      /** CEL expression, e.g. `request.replicas.max <= 8`. Compiled at startup. */
      expression: string;
      /** Plain-language message shown when the expression is false. */
      message: string;
    }>;

    /** How rendered endpoints are served. */
    serving?: {
      /** vLLM image for the `vllm` runtime; pin a tag. Defaults to `vllm/vllm-openai:v0.11.0`. */
      vllmImage?: string;
      /** Secret holding the Hugging Face token, referenced by secretKeyRef only. */
      hfTokenSecret?: {
        /** Secret name; defaults to `hf-token`. */
        name?: string;
        /** Key in the secret; defaults to `HF_TOKEN`. */
        key?: string;
      };
      /** Prometheus the KEDA trigger queries; defaults to `http://prometheus-operated.monitoring.svc:9090`. */
      prometheusServerAddress?: string;
    };
  };
}
