import { INSTANCE_COLUMNS, WAIT_COLUMNS } from './records.js';

// The statements that write whole rows. Both dialects run the same SQL on
// tables named with their prefix (PostgreSQL: `stratum_`); the @names are the
// keys of row-codec.ts's parameters.

export interface RowWrites {
  insertVersion: string;
  insertInstance: string;
  /**
   * Optimistic lock: writes only over the revision before `@revision`. Only what a step changes:
   * an instance's identity (process, version, business key, parent, root, who started it) is fixed
   * when it is inserted, and leaving those columns out leaves their indexes untouched (SQLite
   * rewrites every index of a column named in SET: three times the WAL per step).
   */
  updateInstance: string;
  insertWait: string;
  /**
   * What the engine knows of a kept wait: createdAt and the job's lock state belong to the store, and
   * what the wait's id already says (its instance, root, business key, element, execution, kind) stays
   * out of SET so that the indexes on those columns are not rewritten.
   */
  refreshWait: string;
  updateWait: string;
  insertIdempotency: string;
  insertOrder: string;
}

export function rowWrites(tablePrefix: string): RowWrites {
  const t = (table: string) => `${tablePrefix}${table}`;
  return {
    insertVersion: `INSERT INTO ${t('process_versions')} (key, version, name, xml, hash, calls, deployment_id, deployed_by, deployed_at, note)
       VALUES (@key, @version, @name, @xml, @hash, @calls, @deploymentId, @deployedBy, @deployedAt, @note)
       ON CONFLICT DO NOTHING`,

    insertInstance: `INSERT INTO ${t('instances')} (${INSTANCE_COLUMNS})
       VALUES (@id, @processKey, @version, @businessKey, @parentId, @parentElementId, @parentExecutionId, @rootId, @status,
               @state, @variables, @incident, @revision, @startedBy, @createdAt, @updatedAt, @endedAt)
       ON CONFLICT DO NOTHING`,

    updateInstance: `UPDATE ${t('instances')} SET
         status = @status, state = @state, variables = @variables, incident = @incident, revision = @revision,
         updated_at = @updatedAt, ended_at = @endedAt
       WHERE id = @id AND revision = @revision - 1`,

    insertWait: `INSERT INTO ${t('waits')} (${WAIT_COLUMNS})
       VALUES (@id, @instanceId, @rootId, @businessKey, @kind, @elementId, @executionId, @name, @candidateGroups,
               @messageName, @messageId, @correlationKey, @dueAt, @jobType, @jobRetries, @jobError, @lockedBy,
               @lockExpiresAt, @childInstanceId, @variables, @createdAt, @assignee, @candidateUsers, @jobRetriesSet, @claimedBy, @claimedAt)
       ON CONFLICT DO NOTHING`,

    refreshWait: `UPDATE ${t('waits')} SET
         name = @name, candidate_groups = @candidateGroups, assignee = @assignee, candidate_users = @candidateUsers,
         message_name = @messageName, message_id = @messageId, correlation_key = @correlationKey,
         due_at = @dueAt, job_type = @jobType, child_instance_id = @childInstanceId, variables = @variables
       WHERE id = @id AND instance_id = @instanceId`,

    updateWait: `UPDATE ${t('waits')} SET
         root_id = @rootId, business_key = @businessKey, kind = @kind, element_id = @elementId,
         execution_id = @executionId, name = @name, candidate_groups = @candidateGroups, assignee = @assignee, candidate_users = @candidateUsers,
         message_name = @messageName, message_id = @messageId, correlation_key = @correlationKey,
         due_at = @dueAt, job_type = @jobType, job_retries = @jobRetries, job_retries_set = @jobRetriesSet, job_error = @jobError,
         locked_by = @lockedBy, lock_expires_at = @lockExpiresAt, child_instance_id = @childInstanceId,
         variables = @variables, claimed_by = @claimedBy, claimed_at = @claimedAt
       WHERE id = @id AND instance_id = @instanceId`,

    insertIdempotency: `INSERT INTO ${t('idempotency')} (scope, caller, key, request_hash, instance_id, created_at)
       VALUES (@scope, @caller, @key, @requestHash, @instanceId, @createdAt) ON CONFLICT DO NOTHING`,

    insertOrder: `INSERT INTO ${t('orders')} (order_no, process_key, instance_id, entered, amount, currency, reporting_amount,
         reporting_currency, exchange_rate, rate_date, entered_by, entered_at)
       VALUES (@orderNo, @processKey, @instanceId, @entered, @amount, @currency, @reportingAmount,
         @reportingCurrency, @exchangeRate, @rateDate, @enteredBy, @enteredAt) ON CONFLICT DO NOTHING`,
  };
}
