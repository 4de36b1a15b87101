/**
 * The attribute names BullMQ spans carry (messaging conventions, and the `bullmq.job.*` names beyond
 * them) live in @llm-provenance/semantic-conventions with every other name; re-exported here, under the
 * names this package has always exported.
 */
export {
  ATTR_MESSAGING_SYSTEM,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  MESSAGING_SYSTEM_BULLMQ,
  ATTR_BULLMQ_JOB_NAME,
  ATTR_BULLMQ_JOB_ATTEMPT,
  ATTR_BULLMQ_JOB_OUTCOME,
  ATTR_BULLMQ_JOB_QUEUE_WAIT_MS,
  BULLMQ_JOB_OUTCOME_COMPLETED as JOB_OUTCOME_COMPLETED,
  BULLMQ_JOB_OUTCOME_FAILED as JOB_OUTCOME_FAILED,
} from '@llm-provenance/semantic-conventions';
