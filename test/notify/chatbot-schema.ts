import { z } from 'zod';
import { CHATBOT_LIMITS } from '../../notify/chatbot.ts';

/**
 * The custom-notification event schema of Amazon Q Developer in chat applications (AWS Chatbot),
 * strict, with our size caps: what the chat channel accepts.
 */
const chars = (max: number) => z.string().refine((s) => [...s].length <= max, `at most ${max} characters`);
export const chatbotSchema = z.strictObject({
  version: z.literal('1.0'),
  source: z.literal('custom'),
  id: z.string().optional(),
  content: z.strictObject({
    textType: z.literal('client-markdown'),
    title: chars(CHATBOT_LIMITS.titleChars).optional(),
    description: chars(CHATBOT_LIMITS.descriptionChars).pipe(z.string().min(1)),
    nextSteps: z.array(chars(CHATBOT_LIMITS.nextStepChars)).max(CHATBOT_LIMITS.nextSteps).optional(),
    keywords: z.array(chars(CHATBOT_LIMITS.keywordChars)).max(CHATBOT_LIMITS.keywords).optional(),
  }),
  metadata: z
    .strictObject({
      threadId: z.string().optional(),
      summary: chars(CHATBOT_LIMITS.summaryChars).optional(),
      eventType: z.string().optional(),
      relatedResources: z
        .array(chars(CHATBOT_LIMITS.relatedResourceChars))
        .max(CHATBOT_LIMITS.relatedResources)
        .optional(),
      additionalContext: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});
