import { PublishCommand, type PublishCommandOutput, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../notify/message.ts';
import { publishAlert } from '../../notify/publish.ts';
import { renderAlerts } from '../../notify/render.ts';
import { diffAgainstState } from '../../notify/state.ts';
import { PublishError } from '../../support/errors.ts';
import { snsThrottled } from '../fixtures/aws-answers.ts';
import { aReport, criticalFinding, highFinding, later, NOW, TOPIC_ARN } from './fixtures.ts';

const snsMock = mockClient(SNSClient);

const published = (messageId: string): PublishCommandOutput => ({
  $metadata: { httpStatusCode: 200 },
  MessageId: messageId,
});

/** A findings message and a recovery message. */
const twoMessages = (): AlertMessage[] => {
  const previous = diffAgainstState(aReport([highFinding]), undefined, {
    now: NOW,
    remindAfterHours: 24,
  }).nextState;
  const report = aReport([criticalFinding]);
  return renderAlerts({
    report,
    diff: diffAgainstState(report, previous, { now: later(1), remindAfterHours: 24 }),
  });
};

describe('Function: publishAlert', () => {
  beforeEach(() => {
    snsMock.reset();
  });

  it('publishes per-protocol JSON: plain text by default, the Chatbot payload for https', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves(published('5a5d1c4f-1f0e-5d7c-9e31-2b8f0c6a9e11'));
    const [message] = twoMessages();
    // Act
    const id = await publishAlert(new SNSClient({}), TOPIC_ARN, message as AlertMessage);
    // Assess
    expect(id).toBe('5a5d1c4f-1f0e-5d7c-9e31-2b8f0c6a9e11');
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC_ARN,
      MessageStructure: 'json',
      Subject: 'arch-auditor: 1 new (critical 1) | account 123456789012 | ap-northeast-1',
    });
    const input = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    const body = JSON.parse(input?.Message ?? '{}') as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['default', 'https']);
    expect(body.default).toBe(message?.text);
    expect(JSON.parse(body.https ?? '{}')).toEqual(message?.chatbot);
  });

  it('rejects with PublishError carrying the SDK error when Publish fails', async () => {
    // Prepare
    const error = snsThrottled();
    snsMock.on(PublishCommand).rejects(error);
    const [message] = twoMessages();
    // Act
    const rejection = await publishAlert(new SNSClient({}), TOPIC_ARN, message as AlertMessage).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(rejection).toBeInstanceOf(PublishError);
    expect(rejection).toMatchObject({ name: 'PublishError', cause: error });
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('rejects a hand-built message over the SNS limit without calling SNS', async () => {
    const [message] = twoMessages();
    const huge = { ...(message as AlertMessage), text: 'あ'.repeat(100_000) };
    await expect(publishAlert(new SNSClient({}), TOPIC_ARN, huge)).rejects.toBeInstanceOf(PublishError);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });
});
