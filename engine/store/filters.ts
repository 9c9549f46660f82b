import type { InstanceFilter, WaitFilter } from './types.js';

// The WHERE clauses of the list queries, built from the filter's optional
// conditions. The dialects differ only in how a parameter is written.

/** The placeholder of the parameter at `position` (1-based): `?` in SQLite, `$n` in PostgreSQL. */
export type Placeholder = (position: number) => string;

export interface Where {
  /** `WHERE …`, or '' when the filter sets no condition. */
  where: string;
  parameters: unknown[];
}

export function instanceWhere(filter: InstanceFilter, placeholder: Placeholder): Where {
  const where = new WhereBuilder(placeholder);
  where.equal('process_key', filter.processKey);
  where.equal('business_key', filter.businessKey);
  where.equal('status', filter.status);
  where.equal('root_id', filter.rootId);
  if (filter.rootOnly) where.add('parent_id IS NULL');
  return where.build();
}

/** Conditions on the waits table aliased `w`; `groupsTable` is the dialect's wait_groups table. */
export function waitWhere(filter: WaitFilter, placeholder: Placeholder, groupsTable: string): Where {
  const where = new WhereBuilder(placeholder);
  where.equal('w.kind', filter.kind);
  where.equal('w.instance_id', filter.instanceId);
  where.equal('w.root_id', filter.rootId);
  where.equal('w.business_key', filter.businessKey);
  where.equal('w.message_name', filter.messageName);
  where.equal('w.correlation_key', filter.correlationKey);
  if (filter.candidateGroup !== undefined) {
    const group = where.parameter(filter.candidateGroup);
    where.add(`EXISTS (SELECT 1 FROM ${groupsTable} g WHERE g.wait_id = w.id AND g.grp = ${group})`);
  }
  return where.build();
}

class WhereBuilder {
  private readonly conditions: string[] = [];
  private readonly parameters: unknown[] = [];

  constructor(private readonly placeholder: Placeholder) {}

  /** Adds `value` as the next parameter and returns its placeholder. */
  parameter(value: unknown): string {
    this.parameters.push(value);
    return this.placeholder(this.parameters.length);
  }

  add(condition: string): void {
    this.conditions.push(condition);
  }

  /** `column = value`, unless the filter leaves the value out. */
  equal(column: string, value: string | undefined): void {
    if (value !== undefined) this.add(`${column} = ${this.parameter(value)}`);
  }

  build(): Where {
    const { conditions, parameters } = this;
    return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', parameters };
  }
}
