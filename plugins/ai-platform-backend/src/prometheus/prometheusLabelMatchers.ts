/**
 * A PromQL label matcher, e.g. `model_name="llama-chat"`.
 *
 * @internal
 */
export interface PrometheusLabelMatcher {
  name: string;
  operator: '=' | '!=' | '=~' | '!~';
  /** The unquoted, unescaped value. */
  value: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const OPERATORS = ['=~', '!~', '!=', '='] as const;

/**
 * Quotes a label value for PromQL: a double-quoted string with `\`, `"`,
 * and control characters escaped (JSON string escapes are a subset of the
 * Go escapes PromQL accepts), so no value can end the string early.
 *
 * @internal
 */
export function quotePromqlString(value: string): string {
  return JSON.stringify(value);
}

/**
 * Renders matchers as the inside of a PromQL selector, e.g.
 * `model_name="llama-chat",namespace="prod"`.
 *
 * @internal
 */
export function formatLabelMatchers(
  matchers: PrometheusLabelMatcher[],
): string {
  return matchers
    .map(m => `${m.name}${m.operator}${quotePromqlString(m.value)}`)
    .join(',');
}

/** Reads one quoted string starting at `text[start]`; returns value and end. */
function readQuoted(
  text: string,
  start: number,
): { value: string; end: number } | string {
  const quote = text[start];
  if (quote !== '"' && quote !== "'" && quote !== '`') {
    return 'expected a quoted value';
  }
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const char = text[i];
    if (char === quote) {
      return { value, end: i + 1 };
    }
    if (char === '\n' && quote !== '`') {
      return 'unterminated string (newline inside quotes)';
    }
    if (char === '\\' && quote !== '`') {
      const next = text[i + 1];
      const simple: Record<string, string> = {
        '\\': '\\',
        '"': '"',
        "'": "'",
        n: '\n',
        t: '\t',
        r: '\r',
        a: '\x07',
        b: '\b',
        f: '\f',
        v: '\v',
      };
      if (next !== undefined && next in simple) {
        value += simple[next];
        i += 2;
        continue;
      }
      const hex =
        (next === 'x' && /^[0-9a-fA-F]{2}$/.exec(text.slice(i + 2, i + 4))) ||
        (next === 'u' && /^[0-9a-fA-F]{4}$/.exec(text.slice(i + 2, i + 6))) ||
        (next === 'U' && /^[0-9a-fA-F]{8}$/.exec(text.slice(i + 2, i + 10)));
      if (hex) {
        value += String.fromCodePoint(parseInt(hex[0], 16));
        i += 2 + hex[0].length;
        continue;
      }
      return `unknown escape sequence '\\${next ?? ''}'`;
    }
    value += char;
    i += 1;
  }
  return 'unterminated string';
}

/**
 * Parses a label-matcher list such as
 * `model_name="llama-chat", namespace=~"prod|staging"` (optionally wrapped in
 * `{...}`), the form of the `aiplatform.io/prometheus-selector` annotation
 * and of the per-cluster `selector` config. Anything else — a metric name,
 * a function, a second selector, `__name__` matchers, an invalid regex — is
 * rejected, so the result can only narrow the series the portal queries.
 *
 * @returns the matchers, or an error sentence naming what was expected
 * @internal
 */
export function parseLabelMatchers(
  text: string,
): { matchers: PrometheusLabelMatcher[] } | { error: string } {
  let body = text.trim();
  if (body.startsWith('{')) {
    if (!body.endsWith('}')) {
      return { error: "expected a closing '}'" };
    }
    body = body.slice(1, -1);
  }
  const matchers: PrometheusLabelMatcher[] = [];
  const skipSpace = (from: number) => {
    let at = from;
    while (at < body.length && /\s/.test(body[at])) at += 1;
    return at;
  };
  let i = skipSpace(0);
  while (i < body.length) {
    const nameMatch = /^[^\s=!~,]*/.exec(body.slice(i))![0];
    if (!LABEL_NAME.test(nameMatch)) {
      return {
        error: `expected a label name ([a-zA-Z_][a-zA-Z0-9_]*) at position ${
          i + 1
        }, got '${body.slice(i, i + 20)}'`,
      };
    }
    if (nameMatch.startsWith('__')) {
      return {
        error: `label '${nameMatch}' is reserved (names starting with '__' cannot be matched)`,
      };
    }
    i += nameMatch.length;
    i = skipSpace(i);
    const operatorAt = i;
    const operator = OPERATORS.find(op => body.startsWith(op, operatorAt));
    if (!operator) {
      return {
        error: `expected one of =, !=, =~, !~ after '${nameMatch}' at position ${
          i + 1
        }`,
      };
    }
    i += operator.length;
    i = skipSpace(i);
    const quoted = readQuoted(body, i);
    if (typeof quoted === 'string') {
      return {
        error: `${quoted} for label '${nameMatch}' at position ${i + 1}`,
      };
    }
    if (operator === '=~' || operator === '!~') {
      try {
        // Prometheus uses RE2; a JavaScript RegExp catches most mistakes.
        // eslint-disable-next-line no-new
        new RegExp(`^(?:${quoted.value})$`);
      } catch {
        return {
          error: `invalid regular expression for label '${nameMatch}': ${quoted.value}`,
        };
      }
    }
    matchers.push({ name: nameMatch, operator, value: quoted.value });
    i = quoted.end;
    i = skipSpace(i);
    if (i < body.length) {
      if (body[i] !== ',') {
        return {
          error: `expected ',' between label matchers at position ${i + 1}`,
        };
      }
      i += 1;
      i = skipSpace(i);
    }
  }
  if (matchers.length === 0) {
    return { error: 'expected at least one label matcher' };
  }
  if (
    !matchers.some(
      m =>
        (m.operator === '=' && m.value !== '') ||
        (m.operator === '=~' && !new RegExp(`^(?:${m.value})$`).test('')),
    )
  ) {
    return {
      error:
        'expected at least one matcher that selects a non-empty value (= "value" or =~ "regex")',
    };
  }
  return { matchers };
}
