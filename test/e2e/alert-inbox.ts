import { type BucketLocationConstraint, CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateTopicCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

/** What an SQS subscriber receives from SNS without raw message delivery: the SNS JSON envelope. */
export interface SnsEnvelope {
  readonly Type: string;
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  /** For a MessageStructure json publish, the `default` key: the plain Japanese text. */
  readonly Message: string;
}

/** An alert topic in moto with an SQS queue subscribed to it, where the test reads what SNS delivered. */
export interface AlertInbox {
  readonly topicArn: string;
  readonly queueUrl: string;
  /** Every envelope waiting in the queue, removed from it. */
  drain(): Promise<SnsEnvelope[]>;
}

/**
 * Creates the topic and an SQS queue subscribed to it, as any subscriber that is not a chat client
 * receives alerts (the envelope, not the raw message). Needs the SDK pointed at moto (startMotoForSdk).
 */
export const topicWithInbox = async (topicName: string): Promise<AlertInbox> => {
  const sns = new SNSClient({});
  const sqs = new SQSClient({});
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: topicName }))).TopicArn ?? '';
  const queueUrl =
    (await sqs.send(new CreateQueueCommand({ QueueName: `${topicName}-inbox` }))).QueueUrl ?? '';
  const queueArn =
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })))
      .Attributes?.QueueArn ?? '';
  const subscription = await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      ReturnSubscriptionArn: true,
    }),
  );
  await sns.send(
    new SetSubscriptionAttributesCommand({
      SubscriptionArn: subscription.SubscriptionArn,
      AttributeName: 'RawMessageDelivery',
      AttributeValue: 'false',
    }),
  );
  const drain = async (): Promise<SnsEnvelope[]> => {
    const envelopes: SnsEnvelope[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) return envelopes;
      envelopes.push(...Messages.map((m) => JSON.parse(m.Body ?? '') as SnsEnvelope));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
  };
  return { topicArn, queueUrl, drain };
};

/** A bucket in the client's region (outside us-east-1, S3 wants the region named): the alert state's, a trail's. */
export const createBucket = async (s3: S3Client, bucket: string): Promise<void> => {
  const region = (await s3.config.region()) as BucketLocationConstraint;
  await s3.send(
    new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region } }),
  );
};
