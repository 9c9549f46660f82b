// Stratum's engine: the process library and the durable runtime behind one
// small typed API (engine/api.ts). The server, the CLI and the tests start here.

export * from './api.js';
export { ConfigurationError, StratumError } from './errors.js';
export type { AssignmentAttribute, IncidentReason, StepIncident, Store } from './store/types.js';
export type { WalCheckpointStats } from './store/wal-checkpoint-settings.js';

export { openStratum } from './stratum.js';
export { openStore, type StoreConfig } from './store/open.js';
export { loadRateTable } from './money/rate-file.js';
export { parseRateTable } from './money/rate-table.js';
export { currencyCodesForOrders } from './money/currencies.js';
