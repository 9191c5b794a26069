/**
 * The message of a failed AiPlatformApi call: the backend's own message (e.g. an InputError
 * naming the field) when the response carried one, else the error's.
 */
export function backendErrorMessage(error: unknown): string {
  const body = (error as { body?: { error?: { message?: unknown } } })?.body;
  const message = body?.error?.message;
  if (typeof message === 'string' && message) {
    return message;
  }
  return error instanceof Error ? error.message : String(error);
}
