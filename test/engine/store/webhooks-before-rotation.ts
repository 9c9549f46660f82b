// A database as Stratum wrote it before a webhook subscription kept the secret it replaced (schema 17): a
// subscription made through the API, as plain SQL so the row does not depend on today's store code. Both
// dialects take the same text.
import type { SubscriptionRow } from '../../../engine/store/types.js';

/** The last schema version whose webhook subscriptions had no previous secret. */
export const SCHEMA_BEFORE_SECRET_ROTATION = 17;

/** `prefix`: the dialect's table prefix ('' on SQLite, 'stratum_' on PostgreSQL). */
export function webhooksBeforeRotationSql(prefix: string): string {
  return `
  INSERT INTO ${prefix}webhook_subscriptions (id, url, secret, types, source, fanned_out, created_at, created_by)
    VALUES ('erp', 'https://erp.example.com/stratum/events', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '["stratum.order.fulfilled"]', 'api', 0,
      '2026-03-01T08:00:00.000Z', 'otto');
  `;
}

/** The subscription as the store reads it after the upgrade: no previous secret. */
export const SUBSCRIPTION_AFTER_UPGRADE: SubscriptionRow = {
  id: 'erp', url: 'https://erp.example.com/stratum/events', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', previousSecret: null, previousSecretUntil: null,
  types: ['stratum.order.fulfilled'], source: 'api', cursor: 0, createdAt: '2026-03-01T08:00:00.000Z', createdBy: 'otto',
};
