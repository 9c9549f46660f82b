import { canonicalTimestamp } from './iso-time.js';
import type { ColumnTypes } from './records.js';
import type { ColumnCodec, NamedParameters } from './row-codec.js';
import type { DecisionVersionRow } from './types.js';

// The decision versions table (DMN decisions deployed beside BPMN): its
// record, the mapping to DecisionVersionRow and the statements both dialects share.

export interface DecisionVersionRecord<C extends ColumnTypes> {
  decision_id: string;
  version: number;
  name: string | null;
  file_name: string;
  xml: string;
  hash: string;
  deployment_id: string;
  deployed_by: string;
  deployed_at: C['time'];
  note: string | null;
}

export const DECISION_COLUMNS = 'decision_id, version, name, file_name, xml, hash, deployment_id, deployed_by, deployed_at, note';

export interface DecisionCodec<C extends ColumnTypes> {
  decision: (record: DecisionVersionRecord<C>) => DecisionVersionRow;
  decisionParameters: (row: DecisionVersionRow) => NamedParameters;
}

export function decisionCodec<C extends ColumnTypes>(columns: Pick<ColumnCodec<C>, 'readTime'>): DecisionCodec<C> {
  return {
    decision: (record) => ({
      decisionId: record.decision_id,
      version: record.version,
      name: record.name,
      fileName: record.file_name,
      xml: record.xml,
      hash: record.hash,
      deploymentId: record.deployment_id,
      deployedBy: record.deployed_by,
      deployedAt: columns.readTime(record.deployed_at),
      note: record.note,
    }),
    decisionParameters: (row) => ({
      decisionId: row.decisionId,
      version: row.version,
      name: row.name,
      fileName: row.fileName,
      xml: row.xml,
      hash: row.hash,
      deploymentId: row.deploymentId,
      deployedBy: row.deployedBy,
      deployedAt: canonicalTimestamp(row.deployedAt, 'deployedAt'),
      note: row.note,
    }),
  };
}

/** Statements shared by both dialects (tables named with the dialect's prefix). */
export function decisionWrites(tablePrefix: string): { insertDecisionVersion: string } {
  return {
    insertDecisionVersion: `INSERT INTO ${tablePrefix}decision_versions (${DECISION_COLUMNS})
       VALUES (@decisionId, @version, @name, @fileName, @xml, @hash, @deploymentId, @deployedBy, @deployedAt, @note)
       ON CONFLICT DO NOTHING`,
  };
}
