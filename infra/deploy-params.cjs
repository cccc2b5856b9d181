'use strict';
/**
 * Deploy-time checks of serverless.yml's params. osls resolves `${file(./infra/deploy-params.cjs)}` while
 * it packages (so also on deploy), before anything reaches AWS: params that would break the trust chain
 * with infra/member-role.yml are refused there, naming the param, instead of every member account
 * failing at the first audit. It also works out which intent objects need their own s3:GetObject grant.
 * CommonJS because osls loads a `file` variable with require().
 */

/** infra/member-role.yml's ExternalId and RoleName patterns (test/infra/trust-chain.test.ts keeps them equal). */
const EXTERNAL_ID = /^[\w+=,.@:/-]{16,1224}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** AWS::Chatbot::SlackChannelConfiguration's SlackWorkspaceId and SlackChannelId patterns. */
const SLACK_WORKSPACE_ID = /^[0-9A-Z]{1,255}$/;
const SLACK_CHANNEL_ID = /^[A-Za-z0-9]{1,255}$/;

/** State bucket keys the Lambda role can already read (its alert state and the fan-out runs prefix). */
const GRANTED_STATE_KEY = (key, stateKey) => key === stateKey || key.startsWith('arch-auditor/runs/');

/** A deploy-time refusal: osls prints the error's stack, so the stack is the message alone. */
const refuse = (param, message) => {
  const error = new Error(`param ${param}: ${message}`);
  error.stack = error.message;
  return error;
};

/**
 * Checks the params and returns what the stack derives from them. Pure: the values come in, so it is
 * tested without osls (and through osls in the contract test).
 * @param {{ service: string, stage: string, region: string, stateKey: string,
 *   params: Record<string, string | undefined>, exists: (path: string) => boolean }} input
 * @returns {{ intentInS3: 'true' | 'false', intentObjectArns: string[], slackWired: 'true' | 'false',
 *   slackWorkspaceId: string, slackChannelId: string }} whether the stack grants s3:GetObject on intent
 *   objects, and on which (IntentReadPolicy in serverless.yml); whether it wires Slack, and to what
 */
const checkDeployParams = ({ service, stage, region, stateKey, params, exists }) => {
  const value = (name) => String(params[name] ?? '').trim();
  const roleName = value('auditRoleName');
  if (!ROLE_NAME.test(roleName)) {
    throw refuse('auditRoleName', `"${roleName}" is not a role name (1-64 letters, digits or +=,.@-_)`);
  }
  const externalId = value('auditExternalId');
  const auditsOtherAccounts = value('auditAccounts') !== '';
  if (auditsOtherAccounts && externalId === '') {
    throw refuse(
      'auditExternalId',
      'is required when auditAccounts is set: the member role (infra/member-role.yml) only trusts ' +
        'the auditor with its ExternalId. Deploy with --param="auditExternalId=<the same 16+ character value>"',
    );
  }
  if (externalId !== '' && !EXTERNAL_ID.test(externalId)) {
    throw refuse(
      'auditExternalId',
      'must be 16 to 1224 letters, digits or +=,.@:/-_ (the member role refuses anything shorter)',
    );
  }

  const securityHub = value('securityHub');
  if (!['true', 'false', ''].includes(securityHub)) {
    throw refuse('securityHub', `must be true or false, not "${securityHub}"`);
  }
  // Slack: both ids or neither, so the channel is wired whole or not at all.
  const workspace = value('slackWorkspaceId');
  const channel = value('slackChannelId');
  if ((workspace === '') !== (channel === '')) {
    const [missing, given] =
      workspace === '' ? ['slackWorkspaceId', 'slackChannelId'] : ['slackChannelId', 'slackWorkspaceId'];
    throw refuse(
      missing,
      `is required when ${given} is set: both name the Slack channel AWS Chatbot posts to`,
    );
  }
  if (workspace !== '' && !SLACK_WORKSPACE_ID.test(workspace)) {
    throw refuse(
      'slackWorkspaceId',
      `"${workspace}" is not a Slack workspace (team) id, e.g. T0123ABCD (capital letters and digits)`,
    );
  }
  if (channel !== '' && !SLACK_CHANNEL_ID.test(channel)) {
    throw refuse(
      'slackChannelId',
      `"${channel}" is not a Slack channel id, e.g. C0123ABCD (letters and digits)`,
    );
  }

  // The state bucket is named <service>-<stage>-state-<account>-<region>; the account is not known offline.
  const stateBucket = new RegExp(`^${service}-${stage}-state-\\d{12}-${region}$`);
  const arns = [];
  for (const location of value('intentLocation')
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean)) {
    if (!location.startsWith('s3://')) {
      if (!exists(location)) {
        throw refuse(
          'intentLocation',
          `${location} is neither s3://bucket/key nor a file next to serverless.yml`,
        );
      }
      continue; // packaged with the function: nothing to grant
    }
    const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/([^*?$]+)$/.exec(location);
    if (!match) {
      throw refuse(
        'intentLocation',
        `${location} must be s3://bucket/key naming one object (no *, ? or $ in the key)`,
      );
    }
    const [, bucket, key] = match;
    if (stateBucket.test(bucket) && GRANTED_STATE_KEY(key, stateKey)) continue;
    arns.push(`arn:aws:s3:::${bucket}/${key}`);
  }
  return {
    intentInS3: String(arns.length > 0),
    intentObjectArns: [...new Set(arns)],
    slackWired: String(channel !== ''),
    // Placeholders of the right shape when Slack is not wired: the resource is not created then.
    slackWorkspaceId: workspace || 'UNSET',
    slackChannelId: channel || 'UNSET',
  };
};

/** osls entry point: `${file(./infra/deploy-params.cjs)}` resolves to the object checkDeployParams returns. */
module.exports = async ({ resolveVariable }) => {
  const { existsSync } = require('node:fs');
  const { join } = require('node:path');
  const read = async (address) => String((await resolveVariable(address)) ?? '');
  const names = [
    'auditRoleName',
    'auditExternalId',
    'auditAccounts',
    'intentLocation',
    'securityHub',
    'slackWorkspaceId',
    'slackChannelId',
  ];
  const params = Object.fromEntries(
    await Promise.all(names.map(async (name) => [name, await read(`param:${name}`)])),
  );
  return checkDeployParams({
    service: await read('self:service'),
    stage: await read('sls:stage'),
    region: await read('self:provider.region'),
    stateKey: await read('self:provider.environment.STATE_KEY'),
    params,
    exists: (path) => existsSync(join(__dirname, '..', path)),
  });
};
module.exports.checkDeployParams = checkDeployParams;
module.exports.EXTERNAL_ID = EXTERNAL_ID;
module.exports.ROLE_NAME = ROLE_NAME;
