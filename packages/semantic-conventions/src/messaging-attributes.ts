/**
 * Messaging attribute names for task queues. Source: OpenTelemetry semantic conventions, "Semantic
 * conventions for messaging spans" (docs/messaging/messaging-spans.md, Development) and the messaging.*
 * registry; the `bullmq.job.*` names are ours (the conventions define no BullMQ-specific attributes).
 */

/** Spec: registry messaging.md. The messaging system, e.g. `bullmq` (`MESSAGING_SYSTEM_BULLMQ`). */
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
/** Spec: registry messaging.md. The queue the message was sent to or received from. */
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
/** Spec: registry messaging.md. `send`, `receive`, `process`, ... */
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
/** Spec: registry messaging.md. The system's own name for the operation, e.g. `add`. */
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
/** Spec: registry messaging.md. The message's (job's) id. */
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
/** Spec: registry messaging.md. How many messages one batch operation sent or received. */
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count';
/** Spec: registry messaging.md. The consumer group; no BullMQ span sets it (BullMQ has none). */
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';

/** `messaging.system` of BullMQ spans. */
export const MESSAGING_SYSTEM_BULLMQ = 'bullmq';

/** Ours. The job's name (`queue.add(name, data)`). */
export const ATTR_BULLMQ_JOB_NAME = 'bullmq.job.name';
/** Ours. Which attempt of the job a CONSUMER span is, from 1. */
export const ATTR_BULLMQ_JOB_ATTEMPT = 'bullmq.job.attempt';
/** Ours. How the attempt ended: `completed` or `failed` (`BULLMQ_JOB_OUTCOME_*`). */
export const ATTR_BULLMQ_JOB_OUTCOME = 'bullmq.job.outcome';
/** Ours. Milliseconds from when the job was due (added, plus its `delay`) to when the attempt started. */
export const ATTR_BULLMQ_JOB_QUEUE_WAIT_MS = 'bullmq.job.queue_wait_ms';

/** `bullmq.job.outcome` values. */
export const BULLMQ_JOB_OUTCOME_COMPLETED = 'completed';
export const BULLMQ_JOB_OUTCOME_FAILED = 'failed';
