import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type MotoProxy, type SignedRequest, startMotoProxy } from './moto-proxy.ts';

/**
 * A throttling AWS in front of moto_server, for one item at a time: moto answers every call it knows,
 * and cannot be told to refuse one load balancer's DescribeListeners or one usage plan's keys. The
 * calls `throttled` picks are answered with the throttling error the service returns (in its protocol,
 * every retry alike); every other request goes to moto untouched.
 */

export interface ThrottlingProxy extends MotoProxy {
  /** How many requests were answered with a throttling error: a fault that never fired tests nothing. */
  readonly throttled: () => number;
}

/** What AWS answers a throttled caller, per protocol (API Gateway REST-JSON; the XML services). */
const throttle = (res: ServerResponse, service: string): void => {
  const requestId = randomUUID();
  if (service === 'apigateway') {
    res.writeHead(429, {
      'content-type': 'application/json',
      'x-amzn-errortype': 'TooManyRequestsException',
      'x-amzn-requestid': requestId,
    });
    res.end(JSON.stringify({ message: 'Too Many Requests' }));
    return;
  }
  res.writeHead(400, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
  res.end(
    `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
};

export const startThrottlingProxy = async (
  target: string,
  throttled: (call: SignedRequest) => boolean,
): Promise<ThrottlingProxy> => {
  let count = 0;
  const proxy = await startMotoProxy(target, (signed, res) => {
    if (!throttled(signed)) return false;
    count += 1;
    throttle(res, signed.service);
    return true;
  });
  return { ...proxy, throttled: () => count };
};
