import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Cfn, iamMatches, loadYaml, ROOT } from '../fixtures/cfn.ts';
import { sdkCallsIn } from '../fixtures/sdk-calls.ts';

/**
 * Least privilege, proven: the AWS operations the code can call are derived from its source
 * (test/fixtures/sdk-calls.ts: the commands and paginators it imports from @aws-sdk/client-* and uses), mapped to IAM actions,
 * and compared with the Lambda role in serverless.yml and the member-account role in
 * infra/member-role.yml. Nothing missing, nothing extra, no wildcard action, writes only where named.
 */

const SOURCE_DIRS = [
  'app',
  'cli',
  'collect',
  'functions',
  'notify',
  'intent',
  'inventory',
  'evaluate',
  'engine',
  'report',
  'model',
  'support',
];

/** IAM service prefix of each SDK client package. */
const IAM_PREFIX: Readonly<Record<string, string>> = {
  'client-ec2': 'ec2',
  'client-elastic-load-balancing-v2': 'elasticloadbalancing',
  'client-cloudfront': 'cloudfront',
  'client-api-gateway': 'apigateway',
  'client-sts': 'sts',
  'client-organizations': 'organizations',
  'client-s3': 's3',
  'client-sns': 'sns',
  'client-wafv2': 'wafv2',
  'client-kms': 'kms',
  'client-cloudtrail': 'cloudtrail',
  'client-securityhub': 'securityhub',
};

/**
 * API Gateway's management API is authorized as `apigateway:GET` on resource paths, not per
 * operation. Each operation the collectors call and the path AWS authorizes it on (`*` = an id).
 */
const APIGATEWAY_PATHS: Readonly<Record<string, string>> = {
  GetRestApis: '/restapis',
  GetRestApi: '/restapis/*',
  GetResources: '/restapis/*/resources',
  GetStages: '/restapis/*/stages',
  GetDeployments: '/restapis/*/deployments',
  GetExport: '/restapis/*/stages/*/exports/*',
  GetVpcLinks: '/vpclinks',
  GetUsagePlans: '/usageplans',
  GetUsagePlanKeys: '/usageplans/*/keys',
  GetApiKeys: '/apikeys',
};

/** Credential providers of @aws-sdk/credential-providers and the STS call each makes. */
const CREDENTIAL_PROVIDERS: Readonly<Record<string, string>> = {
  fromTemporaryCredentials: 'sts:AssumeRole',
};

/**
 * The only writes the auditor may make: its alerts, its alert state, its failed-run queue, and its
 * findings in Security Hub (its own account's default product).
 */
const ALLOWED_WRITES = new Set([
  'sns:Publish',
  's3:PutObject',
  'sqs:SendMessage',
  'securityhub:BatchImportFindings',
]);
/**
 * Neither a read of the account nor a write: the fan-out's run key, made without its plaintext by the
 * plan and opened by each item (app/fingerprint-key.ts), on the stack's own KMS key only.
 */
const RUN_KEY_USE = new Set(['kms:GenerateDataKeyWithoutPlaintext', 'kms:Decrypt']);
// LookupEvents reads CloudTrail's event history (who made a change).
const READ_OPERATION = /^(Describe|List|Get|Lookup)[A-Z]/;

interface Call {
  readonly file: string;
  readonly action: string;
}

const sourceFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
};

/** Every SDK call in the source, as its IAM action (apigateway: the operation, mapped below). */
const deriveCalls = async (): Promise<Call[]> => {
  const calls: Call[] = [];
  for (const file of (await Promise.all(SOURCE_DIRS.map(sourceFiles))).flat()) {
    const text = await readFile(join(ROOT, file), 'utf8');
    // Credential providers that call STS themselves.
    for (const [provider, action] of Object.entries(CREDENTIAL_PROVIDERS)) {
      if (text.includes("from '@aws-sdk/credential-providers'") && text.includes(`${provider}(`)) {
        calls.push({ file, action });
      }
    }
    for (const { pkg, operation } of sdkCallsIn(text)) {
      const prefix = IAM_PREFIX[pkg];
      if (!prefix) throw new Error(`${file} imports @aws-sdk/${pkg}: add its IAM prefix to this test`);
      calls.push({ file, action: `${prefix}:${operation}` });
    }
  }
  return calls;
};

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** A resource string with `${AWS::Partition}` filled in, for matching paths. */
const plainArn = (r: unknown): string => {
  const sub = (r as { 'Fn::Sub'?: string })['Fn::Sub'];
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub syntax
  return (typeof r === 'string' ? r : (sub ?? '')).replaceAll('${AWS::Partition}', 'aws');
};

const calls = await deriveCalls();
const actions = new Set(calls.map((c) => c.action));
const collectorActions = new Set(calls.filter((c) => c.file.startsWith('collect/')).map((c) => c.action));
/** Calls made with the auditor's own identity, never in a member account. */
const AUDITOR_ONLY = (action: string) => action === 'sts:AssumeRole' || action.startsWith('organizations:');

/** Checks a policy's statements against the actions it must grant; returns the apigateway paths granted. */
const expectExactly = (statements: readonly Statement[], required: ReadonlySet<string>) => {
  expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
  const granted = statements.flatMap(actionsOf);
  expect(
    granted.filter((a) => a.includes('*')),
    'no wildcard action',
  ).toEqual([]);

  const expected = [...required].filter((a) => !a.startsWith('apigateway:'));
  if ([...required].some((a) => a.startsWith('apigateway:'))) expected.push('apigateway:GET');
  expect([...new Set(granted)].sort(), 'granted = derived from the source').toEqual(
    [...new Set(expected)].sort(),
  );

  for (const action of granted) {
    const operation = action.split(':')[1] ?? '';
    if (
      action === 'apigateway:GET' ||
      READ_OPERATION.test(operation) ||
      action === 'sts:AssumeRole' ||
      RUN_KEY_USE.has(action)
    )
      continue;
    expect(ALLOWED_WRITES.has(action), `${action} is a write`).toBe(true);
  }

  // apigateway:GET: every path an operation needs is granted, and every granted path is needed.
  const apigw = statements.filter((s) => actionsOf(s).includes('apigateway:GET'));
  const patterns = apigw.flatMap(resourcesOf).map(plainArn);
  expect(patterns.every((p) => p.startsWith('arn:aws:apigateway:'))).toBe(true);
  const needed = [...required]
    .filter((a) => a.startsWith('apigateway:'))
    .map((a) => {
      const path = APIGATEWAY_PATHS[a.split(':')[1] ?? ''];
      if (!path) throw new Error(`${a}: add the resource path AWS authorizes it on to APIGATEWAY_PATHS`);
      return `arn:aws:apigateway:ap-northeast-1::${path.replaceAll('*', 'a1b2c3d4e5')}`;
    });
  for (const arn of needed)
    expect(
      patterns.some((p) => iamMatches(p, arn)),
      `${arn} granted`,
    ).toBe(true);
  for (const p of patterns)
    expect(
      needed.some((arn) => iamMatches(p, arn)),
      `${p} needed`,
    ).toBe(true);
};

describe('least privilege', () => {
  it('finds the collectors calls in the source (the derivation works)', () => {
    expect(collectorActions).toContain('ec2:DescribeRouteTables');
    expect(collectorActions).toContain('cloudfront:GetDistributionConfig');
    expect(collectorActions).toContain('apigateway:GetApiKeys');
    expect(collectorActions).toContain('sts:GetCallerIdentity');
    expect(actions).toContain('sns:Publish');
    expect(actions).toContain('s3:PutObject');
    expect([...actions].filter((a) => a.startsWith('kms:')).sort()).toEqual([...RUN_KEY_USE].sort());
    // Every operation the code calls is a read, except the auditor's own writes and role assumption.
    for (const action of actions) {
      const operation = action.split(':')[1] ?? '';
      if (!READ_OPERATION.test(operation) && action !== 'sts:AssumeRole' && !RUN_KEY_USE.has(action)) {
        expect(
          ALLOWED_WRITES.has(action),
          `${action} called in ${calls.find((c) => c.action === action)?.file}`,
        ).toBe(true);
      }
    }
  });

  describe('serverless.yml: the Lambda role', async () => {
    const sls = await loadYaml('serverless.yml');
    const statements = sls.provider.iam.role.statements as Statement[];
    const resources = sls.resources.Resources as Record<string, { Type: string; Properties: Cfn }>;
    const statementFor = (action: string) => statements.filter((s) => actionsOf(s).includes(action));

    it('grants exactly the operations the code calls, plus the failure destination', () => {
      const required = new Set(actions);
      // Lambda itself sends a failed invocation to the on-failure destination, with the function's role.
      if (sls.functions.audit.destinations?.onFailure?.type === 'sqs') required.add('sqs:SendMessage');
      expectExactly(statements, required);
    });

    it('publishes only to its alert topic, encrypted with its own key that SNS may use for that topic only', () => {
      expect(statementFor('sns:Publish').map((s) => s.Resource)).toEqual([{ Ref: 'AlertTopic' }]);
      expect(resources.AlertTopic?.Type).toBe('AWS::SNS::Topic');
      expect(resources.AlertTopic?.Properties.KmsMasterKeyId).toEqual({ Ref: 'AlertTopicKey' });
      const key = resources.AlertTopicKey;
      expect(key?.Type).toBe('AWS::KMS::Key');
      expect(key?.Properties).toMatchObject({ KeySpec: 'SYMMETRIC_DEFAULT', EnableKeyRotation: true });
      const policy = key?.Properties.KeyPolicy.Statement as (Statement & {
        Principal: unknown;
        Sid: string;
      })[];
      for (const s of policy)
        expect(
          actionsOf(s).filter((a) => a.includes('*')),
          s.Sid,
        ).toEqual([]);
      // Using the key: only through SNS, for principals of this account, for the alert topic.
      const use = policy.filter((s) =>
        actionsOf(s).some((a) => /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt)/.test(a)),
      );
      expect(use.map((s) => [actionsOf(s), s.Condition])).toEqual([
        [
          ['kms:GenerateDataKey', 'kms:Decrypt'],
          {
            StringEquals: {
              'kms:CallerAccount': { Ref: 'AWS::AccountId' },
              // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub syntax
              'kms:ViaService': { 'Fn::Sub': 'sns.${AWS::Region}.amazonaws.com' },
              'kms:EncryptionContext:aws:sns:topicArn': {
                'Fn::Sub':
                  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub and osls syntax
                  'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${self:service}-${sls:stage}-alerts',
              },
            },
          },
        ],
      ]);
      // Everything else on the key is the account administering it, never using it.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub syntax
      const account = { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } };
      for (const s of policy.filter((p) => !use.includes(p))) expect(s.Principal, s.Sid).toEqual(account);
    });

    it("imports findings only into its own account's default Security Hub product", () => {
      expect(statementFor('securityhub:BatchImportFindings')).toEqual([
        {
          Effect: 'Allow',
          Action: 'securityhub:BatchImportFindings',
          Resource: {
            'Fn::Sub':
              // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub syntax
              'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default',
          },
        },
      ]);
    });

    it('reads and writes only objects under its own prefix of the state bucket, encrypted with public access blocked', () => {
      const stateKey = sls.provider.environment.STATE_KEY as string;
      const inBucket = (key: string) => ({
        'Fn::Join': ['', [{ 'Fn::GetAtt': ['StateBucket', 'Arn'] }, `/${key}`]],
      });
      for (const action of ['s3:GetObject', 's3:PutObject']) {
        const granted = statementFor(action).flatMap(resourcesOf);
        // The alert state object itself, and (fan-out runs) objects under arch-auditor/ only.
        expect(granted).toContainEqual(inBucket(stateKey));
        for (const resource of granted) {
          const key = (resource as { 'Fn::Join'?: [string, [unknown, string]] })['Fn::Join']?.[1][1] ?? '';
          expect(resource, action).toEqual(inBucket(key.slice(1)));
          expect(key, action).toMatch(/^\/arch-auditor\/[^*]+(\/\*)?$/);
        }
      }
      const bucket = resources.StateBucket;
      expect(bucket?.Type).toBe('AWS::S3::Bucket');
      const sse = bucket?.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
      expect(['AES256', 'aws:kms', 'aws:kms:dsse']).toContain(sse.ServerSideEncryptionByDefault.SSEAlgorithm);
      expect(bucket?.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    });

    it('writes HTML reports only under arch-auditor/reports/ and never reads them back', () => {
      const reports = {
        'Fn::Join': ['', [{ 'Fn::GetAtt': ['StateBucket', 'Arn'] }, '/arch-auditor/reports/*']],
      };
      const granting = statements.filter((s) =>
        resourcesOf(s).some((r) => JSON.stringify(r) === JSON.stringify(reports)),
      );
      expect(granting.map(actionsOf)).toEqual([['s3:PutObject']]);
      expect(granting.flatMap(resourcesOf)).toEqual([reports]);
      expect(sls.provider.environment.HTML_REPORT).toContain('param:htmlReport');
      expect(sls.params.default.htmlReport).toBe('false');
    });

    it('reads an intent in S3 only through a conditional s3:GetObject on its objects, attached to the Lambda role', () => {
      // Which objects, and whether any, is worked out while packaging (infra/deploy-params.cjs).
      expect(resources.IntentReadPolicy).toEqual({
        Type: 'AWS::IAM::Policy',
        Condition: 'IntentInS3',
        Properties: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: osls variable syntax
          PolicyName: '${self:service}-${sls:stage}-intent-read',
          Roles: [{ Ref: 'IamRoleLambdaExecution' }],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 's3:GetObject',
                // biome-ignore lint/suspicious/noTemplateCurlyInString: osls variable syntax
                Resource: '${self:custom.deploy.intentObjectArns}',
              },
            ],
          },
        },
      });
      expect(sls.resources.Conditions.IntentInS3).toEqual({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: osls variable syntax
        'Fn::Equals': ['${self:custom.deploy.intentInS3}', 'true'],
      });
    });

    it('sends failed runs only to its own queue', () => {
      expect(statementFor('sqs:SendMessage').map((s) => s.Resource)).toEqual([
        { 'Fn::GetAtt': ['FailedRunQueue', 'Arn'] },
      ]);
    });

    it('uses only its own rotated fingerprint key, for run keys only, and names it by its alias', () => {
      const keyStatements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
      expect(keyStatements).toEqual([
        {
          Effect: 'Allow',
          Action: [...RUN_KEY_USE],
          Resource: { 'Fn::GetAtt': ['FingerprintKey', 'Arn'] },
          Condition: { Null: { 'kms:EncryptionContext:arch-auditor-run': 'false' } },
        },
      ]);
      const key = resources.FingerprintKey;
      expect(key?.Type).toBe('AWS::KMS::Key');
      expect(key?.Properties).toMatchObject({ KeySpec: 'SYMMETRIC_DEFAULT', EnableKeyRotation: true });
      // The key policy: no wildcard action, no principal outside the account, run keys only with a run.
      const policy = key?.Properties.KeyPolicy.Statement as (Statement & { Principal: unknown })[];
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub syntax
      const account = { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } };
      for (const s of policy) {
        expect(s.Principal).toEqual(account);
        expect(actionsOf(s).filter((a) => a.includes('*'))).toEqual([]);
      }
      const use = policy.filter((s) =>
        actionsOf(s).some((a) => /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt)/.test(a)),
      );
      expect(use.map((s) => [actionsOf(s), s.Condition])).toEqual([
        [[...RUN_KEY_USE], { Null: { 'kms:EncryptionContext:arch-auditor-run': 'false' } }],
      ]);
      // The functions find the key by the alias the stack creates.
      expect(resources.FingerprintKeyAlias?.Properties).toEqual({
        AliasName: sls.provider.environment.FINGERPRINT_KEY,
        TargetKeyId: { Ref: 'FingerprintKey' },
      });
    });

    it("gives no other role in the stack a wildcard action or a '*' resource", () => {
      for (const [name, resource] of Object.entries(resources)) {
        if (resource.Type !== 'AWS::IAM::Role') continue;
        const policies = (resource.Properties.Policies ?? []) as {
          PolicyDocument: { Statement: Statement[] };
        }[];
        for (const s of policies.flatMap((p) => p.PolicyDocument.Statement)) {
          expect(
            actionsOf(s).filter((a) => a.includes('*')),
            name,
          ).toEqual([]);
          expect(resourcesOf(s), name).not.toContain('*');
        }
      }
    });

    it("scopes every write and role assumption to a named resource, never '*'", () => {
      for (const s of statements) {
        const writes = actionsOf(s).filter(
          (a) => ALLOWED_WRITES.has(a) || a === 'sts:AssumeRole' || RUN_KEY_USE.has(a),
        );
        if (writes.length > 0) expect(resourcesOf(s), writes.join()).not.toContain('*');
      }
    });
  });

  describe('infra/member-role.yml: the member-account role', async () => {
    const template = await loadYaml('infra/member-role.yml');
    const role = template.Resources.AuditRole;
    const statements = role.Properties.Policies.flatMap(
      (p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement,
    ) as Statement[];

    it('grants exactly the read operations the collectors call in a member account', () => {
      expect(role.Type).toBe('AWS::IAM::Role');
      expectExactly(statements, new Set([...collectorActions].filter((a) => !AUDITOR_ONLY(a))));
      for (const action of statements.flatMap(actionsOf)) {
        expect(action === 'apigateway:GET' || READ_OPERATION.test(action.split(':')[1] ?? ''), action).toBe(
          true,
        );
      }
    });

    it("trusts only the auditor account's Lambda role (or a named operator role), and only with the external id", () => {
      const trust = role.Properties.AssumeRolePolicyDocument.Statement as Statement[];
      const lambdaRole = {
        'Fn::Sub':
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub syntax
          'arn:${AWS::Partition}:iam::${AuditorAccountId}:role/arch-auditor-${AuditorStage}-${AuditorRegion}-lambdaRole',
      };
      expect(trust).toEqual([
        {
          Effect: 'Allow',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub syntax
          Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AuditorAccountId}:root' } },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } },
            ArnLike: {
              'aws:PrincipalArn': {
                'Fn::If': ['HasOperator', [lambdaRole, { Ref: 'OperatorPrincipalArn' }], lambdaRole],
              },
            },
          },
        },
      ]);
      expect(template.Parameters.AuditorAccountId.AllowedPattern).toBe('^\\d{12}$');
      // Required (no default), hidden, and long enough not to be guessed.
      expect(template.Parameters.ExternalId).toMatchObject({ NoEcho: true, MinLength: 16 });
      expect(template.Parameters.ExternalId).not.toHaveProperty('Default');
      // Only the Lambda role unless an operator role is named.
      expect(template.Parameters.OperatorPrincipalArn.Default).toBe('');
      expect(template.Conditions.HasOperator).toEqual({
        'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'OperatorPrincipalArn' }, ''] }],
      });
    });
  });
});
