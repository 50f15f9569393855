import { z } from 'zod';
import { attentionMessages } from './attention-messages.ts';
import { checkMessages } from './check-messages.ts';
import { connectionMessages } from './connection-messages.ts';
import { customerInsightsMessages } from './customer-insights-messages.ts';
import { exportMessages } from './export-messages.ts';
import { previewMessages } from './preview-messages.ts';
import { roleMessages } from './role-messages.ts';
import { runMessages } from './run-messages.ts';
import { sourceMessages } from './source-messages.ts';
import type { MessageSpec } from './spec.ts';
import { statusMessages } from './status-messages.ts';

/**
 * Every message between the extension's contexts, declared once (one file per feature). The
 * worker refuses anything not declared here, and checks every message against its permission
 * table (src/background/permissions.ts): the sender, the role and the objects it names.
 */
export const protocol = {
  ...statusMessages,
  ...roleMessages,
  ...connectionMessages,
  ...sourceMessages,
  ...exportMessages,
  ...checkMessages,
  ...previewMessages,
  ...runMessages,
  ...customerInsightsMessages,
  ...attentionMessages,
} as const satisfies Record<string, MessageSpec>;

export type MessageType = keyof typeof protocol;
export type RequestOf<T extends MessageType> = z.input<(typeof protocol)[T]['request']>;
export type ParsedRequestOf<T extends MessageType> = z.output<(typeof protocol)[T]['request']>;
export type ResponseOf<T extends MessageType> = z.infer<(typeof protocol)[T]['response']>;

export const messageTypes = Object.keys(protocol) as MessageType[];

export const envelopeSchema = z.object({
  type: z.enum(messageTypes as [MessageType, ...MessageType[]]),
  payload: z.unknown(),
});

export * from './attention-messages.ts';
export * from './check-messages.ts';
export * from './connection-messages.ts';
export * from './customer-insights-messages.ts';
export * from './export-messages.ts';
export * from './preview-messages.ts';
export * from './role-messages.ts';
export * from './run-messages.ts';
export * from './source-messages.ts';
export * from './spec.ts';
export * from './status-messages.ts';
