import { describe, expect, it } from 'vitest';
import * as bullmq from '@llm-provenance/instrumentation-bullmq';
import * as conventions from '@llm-provenance/semantic-conventions';

describe('attribute names', () => {
  it('are those of @llm-provenance/semantic-conventions, still exported here under their old names', () => {
    expect({
      ATTR_MESSAGING_SYSTEM: bullmq.ATTR_MESSAGING_SYSTEM,
      ATTR_MESSAGING_DESTINATION_NAME: bullmq.ATTR_MESSAGING_DESTINATION_NAME,
      ATTR_MESSAGING_OPERATION_TYPE: bullmq.ATTR_MESSAGING_OPERATION_TYPE,
      ATTR_MESSAGING_OPERATION_NAME: bullmq.ATTR_MESSAGING_OPERATION_NAME,
      ATTR_MESSAGING_MESSAGE_ID: bullmq.ATTR_MESSAGING_MESSAGE_ID,
      ATTR_MESSAGING_BATCH_MESSAGE_COUNT: bullmq.ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
      ATTR_MESSAGING_CONSUMER_GROUP_NAME: bullmq.ATTR_MESSAGING_CONSUMER_GROUP_NAME,
      MESSAGING_SYSTEM_BULLMQ: bullmq.MESSAGING_SYSTEM_BULLMQ,
      ATTR_BULLMQ_JOB_NAME: bullmq.ATTR_BULLMQ_JOB_NAME,
      ATTR_BULLMQ_JOB_ATTEMPT: bullmq.ATTR_BULLMQ_JOB_ATTEMPT,
      ATTR_BULLMQ_JOB_OUTCOME: bullmq.ATTR_BULLMQ_JOB_OUTCOME,
      ATTR_BULLMQ_JOB_QUEUE_WAIT_MS: bullmq.ATTR_BULLMQ_JOB_QUEUE_WAIT_MS,
      JOB_OUTCOME_COMPLETED: bullmq.JOB_OUTCOME_COMPLETED,
      JOB_OUTCOME_FAILED: bullmq.JOB_OUTCOME_FAILED,
    }).toEqual({
      ATTR_MESSAGING_SYSTEM: 'messaging.system',
      ATTR_MESSAGING_DESTINATION_NAME: 'messaging.destination.name',
      ATTR_MESSAGING_OPERATION_TYPE: 'messaging.operation.type',
      ATTR_MESSAGING_OPERATION_NAME: 'messaging.operation.name',
      ATTR_MESSAGING_MESSAGE_ID: 'messaging.message.id',
      ATTR_MESSAGING_BATCH_MESSAGE_COUNT: 'messaging.batch.message_count',
      ATTR_MESSAGING_CONSUMER_GROUP_NAME: 'messaging.consumer.group.name',
      MESSAGING_SYSTEM_BULLMQ: 'bullmq',
      ATTR_BULLMQ_JOB_NAME: 'bullmq.job.name',
      ATTR_BULLMQ_JOB_ATTEMPT: 'bullmq.job.attempt',
      ATTR_BULLMQ_JOB_OUTCOME: 'bullmq.job.outcome',
      ATTR_BULLMQ_JOB_QUEUE_WAIT_MS: 'bullmq.job.queue_wait_ms',
      JOB_OUTCOME_COMPLETED: conventions.BULLMQ_JOB_OUTCOME_COMPLETED,
      JOB_OUTCOME_FAILED: conventions.BULLMQ_JOB_OUTCOME_FAILED,
    });
    expect([conventions.BULLMQ_JOB_OUTCOME_COMPLETED, conventions.BULLMQ_JOB_OUTCOME_FAILED]).toEqual(['completed', 'failed']);
  });
});
