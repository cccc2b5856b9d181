import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * infra/deploy-params.cjs's checks, as a pure function: serverless.yml's params that would break the
 * trust chain with infra/member-role.yml, or name an intent the stack cannot grant, are refused naming
 * the param; an intent in S3 gets exactly its object. test/infra/trust-chain.test.ts runs the same
 * module through osls.
 */

interface DeployParams {
  checkDeployParams(input: {
    service: string;
    stage: string;
    region: string;
    stateKey: string;
    params: Record<string, string>;
    exists: (path: string) => boolean;
  }): {
    intentInS3: string;
    intentObjectArns: string[];
    slackWired: string;
    slackWorkspaceId: string;
    slackChannelId: string;
  };
}
const { checkDeployParams } = createRequire(import.meta.url)('../../infra/deploy-params.cjs') as DeployParams;

const EXTERNAL_ID = 'Zq3-example-external-id';
const check = (params: Record<string, string>, files: readonly string[] = ['intent.yaml']) =>
  checkDeployParams({
    service: 'arch-auditor',
    stage: 'prod',
    region: 'ap-northeast-1',
    stateKey: 'arch-auditor/state.json',
    params: { auditRoleName: 'arch-auditor-readonly', auditExternalId: '', auditAccounts: '', ...params },
    exists: (path) => files.includes(path),
  });

describe('deploy-time params (infra/deploy-params.cjs)', () => {
  describe('the external id', () => {
    it('is not needed when only this account is audited', () => {
      expect(check({})).toMatchObject({ intentInS3: 'false', intentObjectArns: [] });
    });

    it('is required as soon as other accounts are audited, naming auditExternalId', () => {
      expect(() => check({ auditAccounts: 'org' })).toThrow(
        /^param auditExternalId: is required when auditAccounts/,
      );
      expect(() => check({ auditAccounts: '111122223333,444455556666' })).toThrow(/auditExternalId/);
      expect(() => check({ auditAccounts: 'org', auditExternalId: EXTERNAL_ID })).not.toThrow();
    });

    it('must satisfy the member role: 16+ characters STS accepts', () => {
      expect(() => check({ auditAccounts: 'org', auditExternalId: 'short-secret' })).toThrow(
        /^param auditExternalId: must be 16 to 1224/,
      );
      expect(() => check({ auditAccounts: 'org', auditExternalId: 'has spaces in it, sixteen+' })).toThrow(
        /auditExternalId/,
      );
      expect(() => check({ auditExternalId: 'x'.repeat(1225) })).toThrow(/auditExternalId/);
      expect(() => check({ auditExternalId: 'a+b=c,d.e@f:g/h-i_j' })).not.toThrow();
    });
  });

  it('refuses a role name IAM would refuse, naming auditRoleName', () => {
    expect(() => check({ auditRoleName: 'arch auditor' })).toThrow(/^param auditRoleName:/);
    expect(() => check({ auditRoleName: 'r'.repeat(65) })).toThrow(/auditRoleName/);
    expect(() => check({ auditRoleName: 'arch-auditor-member' })).not.toThrow();
  });

  describe('the intent grant', () => {
    it('grants s3:GetObject on exactly the intent object in S3', () => {
      expect(check({ intentLocation: 's3://team-intents/prod/intent.yaml' })).toMatchObject({
        intentInS3: 'true',
        intentObjectArns: ['arn:aws:s3:::team-intents/prod/intent.yaml'],
      });
    });

    it('grants each object of a comma-separated list once (the fan-out takes several intents)', () => {
      expect(
        check({
          intentLocation:
            's3://team-intents/prod.yaml, intent.yaml,s3://team-intents/dev.yaml,s3://team-intents/prod.yaml',
        }).intentObjectArns,
      ).toEqual(['arn:aws:s3:::team-intents/prod.yaml', 'arn:aws:s3:::team-intents/dev.yaml']);
    });

    it('grants nothing for a packaged intent or none', () => {
      expect(check({ intentLocation: 'intent.yaml' })).toMatchObject({
        intentInS3: 'false',
        intentObjectArns: [],
      });
      expect(check({ intentLocation: '' })).toMatchObject({ intentInS3: 'false', intentObjectArns: [] });
    });

    it('grants nothing for keys of the state bucket the role already reads, and the rest of it otherwise', () => {
      const bucket = 'arch-auditor-prod-state-123456789012-ap-northeast-1';
      expect(
        check({ intentLocation: `s3://${bucket}/arch-auditor/runs/intent.yaml` }).intentObjectArns,
      ).toEqual([]);
      expect(check({ intentLocation: `s3://${bucket}/intents/prod.yaml` }).intentObjectArns).toEqual([
        `arn:aws:s3:::${bucket}/intents/prod.yaml`,
      ]);
      // Another stage's state bucket is not this stack's.
      const other = 'arch-auditor-dev-state-123456789012-ap-northeast-1';
      expect(
        check({ intentLocation: `s3://${other}/arch-auditor/runs/intent.yaml` }).intentObjectArns,
      ).toEqual([`arn:aws:s3:::${other}/arch-auditor/runs/intent.yaml`]);
    });

    it('refuses a location that would grant more than one object, or none, naming intentLocation', () => {
      for (const location of [
        's3://team-intents/*',
        's3://team-intents/',
        's3://team-intents',
        's3://Bad_Bucket/x.yaml',
      ]) {
        expect(() => check({ intentLocation: location }), location).toThrow(/^param intentLocation: /);
      }
    });

    it('refuses a packaged intent that is not there', () => {
      expect(() => check({ intentLocation: 'intents/prod.yaml' })).toThrow(
        /^param intentLocation: intents\/prod.yaml is neither s3:\/\/bucket\/key nor a file/,
      );
    });
  });

  describe('Slack and Security Hub', () => {
    it('wires Slack with both ids or neither, naming the missing one', () => {
      expect(check({})).toMatchObject({ slackWired: 'false' });
      expect(check({ slackWorkspaceId: 'T0123ABCD', slackChannelId: 'C0123ABCD' })).toMatchObject({
        slackWired: 'true',
        slackWorkspaceId: 'T0123ABCD',
        slackChannelId: 'C0123ABCD',
      });
      expect(() => check({ slackWorkspaceId: 'T0123ABCD' })).toThrow(
        /^param slackChannelId: is required when slackWorkspaceId is set/,
      );
      expect(() => check({ slackChannelId: 'C0123ABCD' })).toThrow(
        /^param slackWorkspaceId: is required when slackChannelId is set/,
      );
    });

    it('refuses ids Chatbot would refuse, naming the param', () => {
      expect(() => check({ slackWorkspaceId: 't0123abcd', slackChannelId: 'C0123ABCD' })).toThrow(
        /^param slackWorkspaceId: "t0123abcd" is not a Slack workspace/,
      );
      expect(() => check({ slackWorkspaceId: 'T0123ABCD', slackChannelId: '#alerts' })).toThrow(
        /^param slackChannelId: "#alerts" is not a Slack channel id/,
      );
    });

    it('takes securityHub as true or false only', () => {
      expect(() => check({ securityHub: 'true' })).not.toThrow();
      expect(() => check({ securityHub: 'false' })).not.toThrow();
      expect(() => check({ securityHub: 'yes' })).toThrow(
        /^param securityHub: must be true or false, not "yes"/,
      );
    });
  });
});
