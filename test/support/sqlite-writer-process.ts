// A process that writes to a SQLite store until it is killed (the WAL
// checkpointer's kill test): `<dataDir> <pages>`. After each commit it prints
// `ack <instance id>`; once the background checkpointer has copied frames into
// the database file it prints `checkpointed <frames>`, once.
import { SqliteStore } from '../../engine/store/sqlite.js';
import { walCheckpointSettings } from '../../engine/store/wal-checkpoint-settings.js';

const [dataDir, pages] = process.argv.slice(2);
const settings = walCheckpointSettings(pages);
const store = new SqliteStore({ dataDir, checkpoint: settings === 'off' ? 'off' : { ...settings, intervalMs: 20 } });
await store.migrate();
const at = new Date(0).toISOString();
await store.transaction((tx) =>
  tx.insertVersion({ key: 'p', version: 1, name: 'p', xml: '<definitions />', hash: 'h', calls: [], deploymentId: 'd', deployedBy: 'w', deployedAt: at, note: null }),
);
let told = false;
for (let n = 1; ; n++) {
  const id = `i${n}`;
  await store.transaction((tx) =>
    tx.insertInstance({
      id, processKey: 'p', version: 1, businessKey: null, parentId: null, parentElementId: null, parentExecutionId: null, rootId: id,
      status: 'running', state: { n }, variables: { payload: `${id}:${'x'.repeat(6000)}` }, incident: null, revision: 1,
      startedBy: 'w', createdAt: at, updatedAt: at, endedAt: null,
    }),
  );
  process.stdout.write(`ack ${id}\n`);
  const frames = store.walCheckpoints()?.frames ?? 0;
  if (!told && frames > 0) {
    told = true;
    process.stdout.write(`checkpointed ${frames}\n`);
  }
  // the thread gets a core between commits on a busy machine
  if (n % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
}
