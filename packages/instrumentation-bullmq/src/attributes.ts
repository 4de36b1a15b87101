/**
 * Messaging attributes of the OpenTelemetry messaging semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/), and the job attributes BullMQ
 * spans carry beyond them.
 */
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count';
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';

/** `messaging.system` of every span here. */
export const MESSAGING_SYSTEM_BULLMQ = 'bullmq';

/** The job's name (`queue.add(name, data)`). */
export const ATTR_BULLMQ_JOB_NAME = 'bullmq.job.name';
/** Which attempt of the job this CONSUMER span is, from 1. */
export const ATTR_BULLMQ_JOB_ATTEMPT = 'bullmq.job.attempt';
/** How this attempt ended: `completed` or `failed`. */
export const ATTR_BULLMQ_JOB_OUTCOME = 'bullmq.job.outcome';
/** Milliseconds from when the job was due (added, plus its `delay`) to when this attempt started. */
export const ATTR_BULLMQ_JOB_QUEUE_WAIT_MS = 'bullmq.job.queue_wait_ms';

export const JOB_OUTCOME_COMPLETED = 'completed';
export const JOB_OUTCOME_FAILED = 'failed';
