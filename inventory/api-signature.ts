import type { ApiMethod, RestApi } from './types.ts';

/**
 * One canonical string per method: what a deployment freezes and what a stale stage gets wrong.
 * Both sides (the live resources from GetResources and the stage's export from GetExport) are reduced
 * to this form, so `apigw.stale-deployment` compares like with like. Only fields both sources carry
 * are included: method, path, API-key requirement and the integration's type, connection and URI.
 */
export const methodSignature = (
  path: string,
  method: Pick<ApiMethod, 'httpMethod' | 'apiKeyRequired' | 'integration'>,
): string => {
  const i = method.integration;
  const integration = i
    ? `${i.type.toUpperCase()} ${(i.connectionType || 'INTERNET').toUpperCase()} ${i.connectionId ?? '-'} ${i.uri ?? '-'}`
    : 'none';
  return `${method.httpMethod.toUpperCase()} ${path} key=${method.apiKeyRequired} integration=${integration}`;
};

/** The current (possibly undeployed) definition of an API, as sorted signatures. */
export const currentMethodSignatures = (api: Pick<RestApi, 'resources'>): string[] =>
  api.resources.flatMap((r) => r.methods.map((m) => methodSignature(r.path, m))).sort();
