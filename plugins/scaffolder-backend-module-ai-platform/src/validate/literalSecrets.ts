/**
 * Patterns of credentials that must never be committed. Each is specific enough that a
 * match in a rendered file is almost certainly a real secret, not an example name.
 */
const LITERAL_SECRET_PATTERNS: Array<{ kind: string; pattern: RegExp }> = [
  {
    kind: 'OpenAI-style API key',
    pattern: /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}/,
  },
  { kind: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  {
    kind: 'GitHub token',
    pattern: /\b(?:ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}/,
  },
  { kind: 'Hugging Face token', pattern: /\bhf_[A-Za-z0-9]{30,}/ },
  { kind: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: 'private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  {
    kind: 'inline API key or token value',
    // `apiKey: 'abc…'`, `api_key = "abc…"`, `"token": "abc…"` with a literal of 16+ chars.
    pattern:
      /\b(?:api[_-]?key|apikey|secret|token|password)["']?\s*[:=]\s*["'](?!os\.environ\/)[A-Za-z0-9_\-./+=]{16,}["']/i,
  },
];

/**
 * A literal credential found in a file.
 *
 * @internal
 */
export type LiteralSecretFinding = {
  /** Path of the file, relative to the scanned folder. */
  path: string;
  /** 1-based line number. */
  line: number;
  /** What kind of credential it looks like. */
  kind: string;
};

/**
 * Finds literal credentials in text files. The matched text itself is not returned, so
 * reporting a finding never leaks the secret.
 *
 * @internal
 */
export function findLiteralSecrets(
  files: Array<{ path: string; content: string }>,
): LiteralSecretFinding[] {
  const findings: LiteralSecretFinding[] = [];
  for (const file of files) {
    const lines = file.content.split('\n');
    lines.forEach((text, index) => {
      for (const { kind, pattern } of LITERAL_SECRET_PATTERNS) {
        if (pattern.test(text)) {
          findings.push({ path: file.path, line: index + 1, kind });
          break;
        }
      }
    });
  }
  return findings;
}
