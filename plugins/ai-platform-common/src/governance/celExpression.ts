import { parse } from '@marcbachmann/cel-js';

type CompiledExpression = (context: Record<string, unknown>) => unknown;

const compiled = new Map<string, CompiledExpression>();

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim();
}

/**
 * Compiles a CEL expression (cached by its text); throws an Error whose message is the
 * parser's first line.
 */
export function compileCelExpression(expression: string): CompiledExpression {
  let evaluate = compiled.get(expression);
  if (!evaluate) {
    try {
      const parsed = parse(expression);
      evaluate = context => parsed(context);
    } catch (error) {
      throw new Error(firstLine(error));
    }
    compiled.set(expression, evaluate);
  }
  return evaluate;
}

/**
 * Evaluates a CEL expression that must give a boolean: `{ value }` on success, `{ error }`
 * saying why not otherwise (a runtime error or a non-boolean result).
 */
export function evaluateCelBoolean(
  expression: string,
  context: Record<string, unknown>,
): { value: boolean } | { error: string } {
  try {
    const result = compileCelExpression(expression)(context);
    if (typeof result === 'boolean') {
      return { value: result };
    }
    return { error: `must evaluate to true or false, got ${typeof result}` };
  } catch (error) {
    return { error: firstLine(error) };
  }
}
