import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, Scalar, type Tags } from 'yaml';

const require = createRequire(import.meta.url);
const validateAsl = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};

/** CloudFormation short tags (!Ref, !GetAtt, !Sub, !Join) read as their long forms. */
const cfnTags: Tags = ['Ref', 'GetAtt', 'Sub', 'Join'].flatMap((name) => {
  const key = name === 'Ref' ? 'Ref' : `Fn::${name}`;
  return [
    {
      tag: `!${name}`,
      resolve: (value: unknown) => ({ [key]: value instanceof Scalar ? value.value : value }),
    },
    {
      tag: `!${name}`,
      collection: 'seq' as const,
      resolve: (value: unknown) => ({ [key]: (value as { toJSON: () => unknown }).toJSON() }),
    },
  ];
}) as Tags;

type Definition = {
  StartAt: string;
  States: Record<string, Record<string, unknown>>;
};

// biome-ignore lint/suspicious/noExplicitAny: serverless.yml is read as untyped YAML
let yml: Record<string, any>;
let definition: Definition;

beforeAll(async () => {
  const text = await readFile(new URL('../../serverless.yml', import.meta.url), 'utf8');
  yml = parse(text, { customTags: cfnTags });
  const params = yml.params.default as Record<string, unknown>;
  // Resolve what osls would (params), then what CloudFormation would (DefinitionSubstitutions).
  const machine = yml.resources.Resources.AuditStateMachine.Properties;
  const substitutions = Object.fromEntries(
    Object.keys(machine.DefinitionSubstitutions).map((k) => [
      k,
      `arn:aws:lambda:ap-northeast-1:123456789012:function:arch-auditor-prod-${k.replace('FunctionArn', '').toLowerCase()}`,
    ]),
  );
  const resolved = JSON.stringify(machine.Definition)
    .replace(/"\$\{param:(\w+)\}"/g, (_, name) => JSON.stringify(params[name]))
    .replace(/\$\{(\w+)\}/g, (whole, name) => substitutions[name] ?? whole);
  definition = JSON.parse(resolved);
});

describe('the fan-out state machine', () => {
  it('is a valid Amazon States Language definition', () => {
    const result = validateAsl(definition);
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('plans, maps over the items in S3 with bounded concurrency and tolerated failures, then summarizes once', () => {
    expect(definition.StartAt).toBe('Plan');
    // biome-ignore lint/suspicious/noExplicitAny: an ASL state is untyped JSON
    const map = definition.States.AuditItems as Record<string, any>;
    expect(map.Type).toBe('Map');
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
    expect(map.ItemReader.Resource).toBe('arn:aws:states:::s3:getObject');
    expect(map.MaxConcurrency).toBeGreaterThan(0);
    expect(map.MaxConcurrency).toBeLessThanOrEqual(100);
    expect(map.ToleratedFailurePercentage).toBeGreaterThan(0);
    expect(map.ResultWriter).toBeDefined();
    // Even past the tolerated failures the run summarizes (missing items = incomplete accounts).
    expect(map.Catch[0].Next).toBe('Summarize');
    expect(map.Next).toBe('Summarize');
    expect(definition.States.Summarize?.End).toBe(true);
  });

  it('retries each item and invokes the same functions serverless.yml defines', () => {
    // biome-ignore lint/suspicious/noExplicitAny: an ASL state is untyped JSON
    const item = (definition.States.AuditItems as any).ItemProcessor.States.AuditItem;
    expect(item.Retry[0].MaxAttempts).toBeGreaterThanOrEqual(1);
    expect(item.Parameters.FunctionName).toMatch(/:function:arch-auditor-prod-audititem$/);
    const machine = yml.resources.Resources.AuditStateMachine.Properties;
    for (const ref of Object.values(machine.DefinitionSubstitutions) as { 'Fn::GetAtt': string }[]) {
      const logicalId = ref['Fn::GetAtt'].split('.')[0] as string;
      const fn = logicalId.replace(/LambdaFunction$/, '');
      expect(Object.keys(yml.functions).map((f) => f[0]?.toUpperCase() + f.slice(1))).toContain(fn);
    }
  });

  it('keeps the single-Lambda schedule for small setups', () => {
    expect(yml.functions.audit.events[0].schedule).toBeDefined();
    expect(yml.resources.Resources.FanOutSchedule.Properties.State).toBe(`\${param:fanOutScheduleState}`);
  });
});
