import 'aws-sdk-client-mock-vitest/extend';

// The Lambda functions log JSON lines to stdout; tests that read them set their own level first.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
