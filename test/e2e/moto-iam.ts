/**
 * IAM policies as moto enforces them. moto 5.2.1 authorizes API Gateway per operation
 * (`apigateway:GetRestApis` on `*`), while AWS authorizes its management API as HTTP verbs on resource
 * paths (`apigateway:GET` on `arn:aws:apigateway:*::/restapis/*`), which is what serverless.yml and
 * infra/member-role.yml grant and test/infra/iam.test.ts checks. (Denied, moto also answers in XML the
 * JSON client cannot read.) So for moto only, a deployed `apigateway:GET` statement is restated as
 * moto's operation names; every other statement is used exactly as deployed.
 */

export interface Statement {
  readonly Effect: string;
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
}

export const actionsOf = (s: Statement): string[] =>
  Array.isArray(s.Action) ? [...s.Action] : [s.Action as string];

const MOTO_APIGATEWAY_ACTIONS = [
  'GetRestApis',
  'GetResources',
  'GetStages',
  'GetExport',
  'GetVpcLinks',
  'GetUsagePlans',
  'GetUsagePlanKeys',
  'GetApiKeys',
].map((operation) => `apigateway:${operation}`);

export const forMoto = (s: Statement): Statement =>
  actionsOf(s).includes('apigateway:GET')
    ? { Effect: s.Effect, Action: MOTO_APIGATEWAY_ACTIONS, Resource: '*' }
    : s;
