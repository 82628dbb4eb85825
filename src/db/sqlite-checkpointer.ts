import { Worker } from 'node:worker_threads';

/**
 * Copies the SQLite write-ahead log back into the database file from a thread of its own, so that the server's
 * main thread, which runs every transaction, no longer does it.
 *
 * SQLite checkpoints on the connection that commits once the log holds `wal_autocheckpoint` pages: there, the
 * main thread stopped every few hundred commits to copy some megabytes and fsync the database file (measured under
 * PaymentIntent load: about 5% of the server's CPU, in bursts that every request waiting at that moment felt). The
 * thread here runs a PASSIVE checkpoint on its own connection every `everyMs`: it takes no lock a writer or reader
 * waits for, and copies each page once however many commits rewrote it in between. The main connection keeps a
 * high automatic threshold as a safety net (should this thread ever stop, the log is still bounded).
 *
 * Nothing about durability changes: a transaction is durable once its log frames are synced at COMMIT; a checkpoint
 * only moves pages already durable in the log.
 */
export interface Checkpointer {
  stop(): Promise<void>;
}

/** The main connection's own threshold while the thread runs (pages of the page size; the default is 1,000). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 20_000;
const EVERY_MS = 250;

// A plain CommonJS script, so that the thread runs the same way under any loader (sources run through tsx).
const SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = FULL');
let stopped = false;
const pass = () => {
  if (stopped) return;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    // Busy or locked: the next pass tries again.
  }
  setTimeout(pass, workerData.everyMs);
};
setTimeout(pass, workerData.everyMs);
parentPort.on('message', () => {
  stopped = true;
  db.close();
  parentPort.postMessage('stopped');
});
`;

export function startCheckpointer(path: string, driver: string, everyMs = EVERY_MS): Checkpointer {
  const worker = new Worker(SCRIPT, { eval: true, workerData: { path, driver, everyMs } });
  worker.unref();
  worker.on('error', () => undefined); // the main connection's own checkpoints carry on
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => void worker.terminate().then(done, done), 2_000);
        worker.once('exit', done);
        worker.once('message', () => void worker.terminate().then(done, done));
        worker.postMessage('stop');
      });
      return stopping;
    },
  };
}
