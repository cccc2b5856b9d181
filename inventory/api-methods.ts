import type { ApiMethod, DeployedMethod, RestApi } from './types.ts';

/**
 * A method as a deployment freezes it, and how a stale stage is told from the API's current
 * definition. The live resources (GetResources) and a stage's export (GetExport) are both reduced to
 * DeployedMethod, holding only the fields both sources carry: method, path, API-key requirement and the
 * integration's type, connection and URI.
 */

/**
 * One canonical line per method, to compare a stage with the current definition and to show either:
 * `GET /data key=false integration=HTTP_PROXY VPC_LINK abc123 http://…`.
 */
export const methodSignature = (method: DeployedMethod): string => {
  const i = method.integration;
  const integration = i
    ? `${i.type.toUpperCase()} ${(i.connectionType || 'INTERNET').toUpperCase()} ${i.connectionId ?? '-'} ${i.uri ?? '-'}`
    : 'none';
  return `${method.httpMethod.toUpperCase()} ${method.path} key=${method.apiKeyRequired} integration=${integration}`;
};

/** `GET /data`: which method it is, whatever changed about it. */
export const methodKey = (method: Pick<DeployedMethod, 'httpMethod' | 'path'>): string =>
  `${method.httpMethod.toUpperCase()} ${method.path}`;

/** Sorted by signature: the order a stage's methods are kept and read in. */
export const bySignature = (methods: readonly DeployedMethod[]): DeployedMethod[] =>
  methods
    .map((method) => ({ method, signature: methodSignature(method) }))
    .sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0))
    .map((entry) => entry.method);

/** A method of the live resources reduced to what a deployment of it serves. */
export const asDeployed = (path: string, method: ApiMethod): DeployedMethod => {
  const i = method.integration;
  return {
    path,
    httpMethod: method.httpMethod,
    apiKeyRequired: method.apiKeyRequired,
    ...(i
      ? {
          integration: {
            type: i.type,
            connectionType: i.connectionType,
            ...(i.connectionId !== undefined ? { connectionId: i.connectionId } : {}),
            ...(i.uri !== undefined ? { uri: i.uri } : {}),
          },
        }
      : {}),
  };
};

/** The API's current (possibly undeployed) definition, as a deployment of it now would serve it. */
export const currentDefinition = (api: Pick<RestApi, 'resources'>): DeployedMethod[] =>
  bySignature(api.resources.flatMap((r) => r.methods.map((m) => asDeployed(r.path, m))));
