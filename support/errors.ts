/** Error classes of arch-auditor. Each sets `name` and carries the underlying error as `cause`. */

/** Bad user input: intent file, invoke payload, snapshot or CLI flags. Each issue names its field. */
export class InputValidationError extends Error {
  readonly issues: readonly { readonly path: string; readonly message: string; readonly line?: number }[];

  constructor(
    source: string,
    issues: readonly { path: string; message: string; line?: number }[],
    options?: ErrorOptions,
  ) {
    const lines = issues.map(
      (i) => `  - ${i.path || '(root)'}${i.line ? ` (line ${i.line})` : ''}: ${i.message}`,
    );
    super(`${source} is invalid:\n${lines.join('\n')}`, options);
    this.name = 'InputValidationError';
    this.issues = issues;
    // Bad input is the caller's to fix, not ours to debug: the Lambda's error response (its trace)
    // and the error log line carry the message only, never a stack trace of our code.
    Object.defineProperty(this, 'stack', {
      get: () => `${this.name}: ${this.message}`,
      configurable: true,
      enumerable: false,
    });
  }
}

/** The intent file is invalid. */
export class IntentValidationError extends InputValidationError {
  constructor(
    source: string,
    issues: readonly { path: string; message: string; line?: number }[],
    options?: ErrorOptions,
  ) {
    super(source, issues, options);
    this.name = 'IntentValidationError';
  }
}

/** Publishing an alert failed; the invocation must fail so nothing is lost. */
export class PublishError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PublishError';
  }
}
