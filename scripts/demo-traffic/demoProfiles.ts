/**
 * DEMO DATA: the behaviour of each gateway model alias of the demo catalog
 * (examples/model-endpoints.yaml) and the agents that call them
 * (examples/agents.yaml). The numbers are chosen so the scorecards show a
 * realistic mix: most checks pass, mistral-7b misses its 800 ms TTFT p95
 * SLO, gpt-4o fails its 1 % error-rate SLO, one eval is below its minimum
 * and one suite regresses between two runs.
 */

/** How the local model server behaves for one gateway model alias. */
export interface ModelProfile {
  /** Gateway alias (`spec.gateway.model` of the ModelEndpoint). */
  alias: string;
  /** Entity name of the ModelEndpoint, for the scorecard trigger. */
  endpointName: string;
  operation: 'chat' | 'embeddings';
  /** What LiteLLM reports as `custom_llm_provider` and the deployment's model. */
  provider: string;
  litellmModelName: string;
  /** Usual time to first token, uniform in [min, max] ms. */
  ttftMs: { min: number; max: number };
  /** Share of calls with a slow first token, uniform in tailMs. */
  slowShare: number;
  slowTtftMs: { min: number; max: number };
  /** Output speed once the first token is out. */
  tokensPerSecond: number;
  /** Every n-th call of the alias fails (429, then 500, alternating); 0 = never. */
  failEveryNthCall: number;
  /** Demo pricing in USD per million tokens, used for `response_cost`. */
  inputPerMillionTokensUsd: number;
  outputPerMillionTokensUsd: number;
}

/** DEMO DATA profiles, keyed by gateway alias. */
export const MODEL_PROFILES: ModelProfile[] = [
  {
    alias: 'llama-3.1-8b',
    endpointName: 'llama-3-1-8b-instruct',
    operation: 'chat',
    provider: 'hosted_vllm',
    litellmModelName: 'hosted_vllm/meta-llama/Llama-3.1-8B-Instruct',
    ttftMs: { min: 120, max: 300 },
    slowShare: 0.02,
    slowTtftMs: { min: 330, max: 380 },
    tokensPerSecond: 180,
    failEveryNthCall: 0,
    // self-hosted: GPU hour cost spread over tokens (demo figures)
    inputPerMillionTokensUsd: 0.05,
    outputPerMillionTokensUsd: 0.1,
  },
  {
    alias: 'qwen2.5-7b',
    endpointName: 'qwen2-5-7b-instruct',
    operation: 'chat',
    provider: 'hosted_vllm',
    litellmModelName: 'hosted_vllm/Qwen/Qwen2.5-7B-Instruct',
    ttftMs: { min: 200, max: 450 },
    slowShare: 0.03,
    slowTtftMs: { min: 480, max: 560 },
    tokensPerSecond: 150,
    failEveryNthCall: 0,
    inputPerMillionTokensUsd: 0.04,
    outputPerMillionTokensUsd: 0.08,
  },
  {
    alias: 'mistral-7b',
    endpointName: 'mistral-7b-instruct',
    operation: 'chat',
    provider: 'hosted_vllm',
    litellmModelName: 'hosted_vllm/mistralai/Mistral-7B-Instruct-v0.3',
    // an overloaded replica: p95 well above the 800 ms SLO (and its 960 ms warn band)
    ttftMs: { min: 450, max: 900 },
    slowShare: 0.2,
    slowTtftMs: { min: 1050, max: 1400 },
    tokensPerSecond: 120,
    failEveryNthCall: 0,
    inputPerMillionTokensUsd: 0.03,
    outputPerMillionTokensUsd: 0.06,
  },
  {
    alias: 'bge-m3',
    endpointName: 'bge-m3-embeddings',
    operation: 'embeddings',
    provider: 'hosted_vllm',
    litellmModelName: 'hosted_vllm/BAAI/bge-m3',
    ttftMs: { min: 20, max: 80 },
    slowShare: 0,
    slowTtftMs: { min: 80, max: 80 },
    tokensPerSecond: 0,
    failEveryNthCall: 0,
    inputPerMillionTokensUsd: 0.01,
    outputPerMillionTokensUsd: 0,
  },
  {
    alias: 'gpt-4o',
    endpointName: 'gpt-4o',
    operation: 'chat',
    provider: 'openai',
    litellmModelName: 'gpt-4o-2024-11-20',
    ttftMs: { min: 350, max: 900 },
    slowShare: 0.03,
    slowTtftMs: { min: 950, max: 1100 },
    tokensPerSecond: 90,
    // 1 in 20 fails: 5 % against a 1 % SLO
    failEveryNthCall: 20,
    inputPerMillionTokensUsd: 2.5,
    outputPerMillionTokensUsd: 10,
  },
  {
    alias: 'claude-sonnet',
    endpointName: 'claude-sonnet',
    operation: 'chat',
    provider: 'anthropic',
    litellmModelName: 'claude-sonnet-4-5',
    ttftMs: { min: 450, max: 1100 },
    slowShare: 0.03,
    slowTtftMs: { min: 1150, max: 1350 },
    tokensPerSecond: 80,
    failEveryNthCall: 0,
    inputPerMillionTokensUsd: 3,
    outputPerMillionTokensUsd: 15,
  },
];

/** One agent turn: the agent and the model aliases it calls, in order. */
export interface AgentInvocation {
  agentId: string;
  aliases: string[];
}

/**
 * The agent turns that give each alias `callsPerAlias` calls (bge-m3, qwen
 * and gpt-4o are shared between two agents).
 */
export function planAgentInvocations(callsPerAlias: number): AgentInvocation[] {
  const plan: AgentInvocation[] = [];
  const half = Math.ceil(callsPerAlias / 2);
  for (let i = 0; i < callsPerAlias; i++) {
    // retrieval (embeddings) on every other turn
    plan.push({
      agentId: 'support-triage',
      aliases: i % 2 === 0 ? ['bge-m3', 'claude-sonnet'] : ['claude-sonnet'],
    });
    plan.push({
      agentId: 'support-reply-drafter',
      aliases: i % 2 === 1 ? ['bge-m3', 'llama-3.1-8b'] : ['llama-3.1-8b'],
    });
    plan.push({ agentId: 'ticket-language-tagger', aliases: ['mistral-7b'] });
    if (i < half) {
      plan.push({ agentId: 'code-review-assistant', aliases: ['gpt-4o'] });
      plan.push({ agentId: 'incident-summarizer', aliases: ['qwen2.5-7b'] });
    } else {
      plan.push({
        agentId: 'flaky-test-fixer',
        aliases: ['qwen2.5-7b', 'gpt-4o'],
      });
    }
  }
  return plan;
}

/** Agent entity names of the demo catalog, keyed by gateway agent id. */
export const AGENT_ENTITY_NAMES: Record<string, string> = {
  'support-triage': 'support-triage-agent',
  'support-reply-drafter': 'support-reply-drafter',
  'code-review-assistant': 'code-review-assistant',
  'incident-summarizer': 'incident-summarizer',
  'flaky-test-fixer': 'flaky-test-fixer',
  'ticket-language-tagger': 'ticket-language-tagger',
};

/** DEMO DATA eval scores: a previous and a latest run of each suite. */
export interface DemoEvalSuite {
  agentEntityName: string;
  suite: string;
  /** Scores are multiples of 1/50 (50 test cases). */
  previousScore: number;
  latestScore: number;
}

export const DEMO_EVAL_SUITES: DemoEvalSuite[] = [
  {
    agentEntityName: 'support-triage-agent',
    suite: 'triage-routing-accuracy',
    previousScore: 0.92,
    latestScore: 0.94,
  },
  // regression: 0.94 -> 0.86 is above the 0.05 tolerance (still >= 0.85)
  {
    agentEntityName: 'support-reply-drafter',
    suite: 'reply-faithfulness',
    previousScore: 0.94,
    latestScore: 0.86,
  },
  {
    agentEntityName: 'support-reply-drafter',
    suite: 'reply-tone',
    previousScore: 0.86,
    latestScore: 0.88,
  },
  // below minScore 0.7
  {
    agentEntityName: 'code-review-assistant',
    suite: 'review-precision',
    previousScore: 0.66,
    latestScore: 0.64,
  },
  {
    agentEntityName: 'incident-summarizer',
    suite: 'summary-coverage',
    previousScore: 0.84,
    latestScore: 0.86,
  },
];

/** A small seeded PRNG (mulberry32) so every run draws the same numbers. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** DEMO DATA: one MCP tool an agent calls in its turns (`execute_tool` span). */
export interface DemoTool {
  /** `gen_ai.tool.name`, as the tool's MCP server (examples/systems.yaml) serves it. */
  name: string;
  /** Usual duration, uniform in [min, max] ms. */
  durationMs: { min: number; max: number };
  /** Every n-th call of the tool fails with `errorType`; 0 = never. */
  failEveryNthCall: number;
  errorType?: string;
}

/** DEMO DATA: the tools of an agent's turn, before and after its model calls. */
export interface DemoAgentTools {
  before: DemoTool[];
  after: DemoTool[];
}

const tool = (
  name: string,
  durationMs: { min: number; max: number },
  failEveryNthCall = 0,
  errorType?: string,
): DemoTool => ({ name, durationMs, failEveryNthCall, errorType });

/**
 * The tools each demo agent calls, keyed by gateway agent id: the tools of
 * the MCP servers in its `spec.tools` (examples/agents.yaml). Failures are
 * chosen so the tool table shows a mix: GitHub's review comments are rate
 * limited often, PagerDuty's incident log times out now and then, the
 * others rarely or never fail.
 */
export const DEMO_AGENT_TOOLS: Record<string, DemoAgentTools> = {
  'support-triage': {
    before: [tool('get_ticket', { min: 40, max: 90 })],
    after: [
      tool('set_ticket_priority', { min: 30, max: 70 }, 12, 'PermissionDenied'),
    ],
  },
  'support-reply-drafter': {
    before: [
      tool('search_articles', { min: 60, max: 140 }),
      tool('get_article', { min: 20, max: 50 }, 15, 'NotFound'),
    ],
    after: [],
  },
  'code-review-assistant': {
    before: [
      tool('get_pull_request', { min: 50, max: 120 }),
      tool('list_changed_files', { min: 40, max: 100 }),
    ],
    after: [
      tool('create_review_comment', { min: 60, max: 150 }, 6, 'RateLimited'),
    ],
  },
  'incident-summarizer': {
    before: [
      tool('get_incident', { min: 40, max: 90 }),
      tool('list_incident_log_entries', { min: 80, max: 200 }, 10, 'Timeout'),
    ],
    after: [],
  },
  'flaky-test-fixer': {
    before: [
      tool('get_pull_request', { min: 50, max: 120 }),
      tool('list_changed_files', { min: 40, max: 100 }),
    ],
    after: [],
  },
  'ticket-language-tagger': {
    before: [tool('get_ticket', { min: 40, max: 90 })],
    after: [],
  },
};
