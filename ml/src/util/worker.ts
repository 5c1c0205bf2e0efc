import { Worker } from "node:worker_threads";

/**
 * Runs `source` (CommonJS, evaluated) on a worker thread with `workerData`, and resolves with the
 * `result` of the first message it posts as `{ result }` or `{ error }`; any other message it posts
 * before that (progress) goes to `onMessage`. The worker is terminated once it has answered: TF.js,
 * for one, keeps a worker's event loop alive after its work is done.
 */
export function runOnWorker<T>(source: string, workerData: unknown, onMessage?: (message: unknown) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = new Worker(source, { eval: true, workerData });
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on("message", (m: { result?: T; error?: string }) => {
      if (!("result" in m) && !("error" in m)) {
        onMessage?.(m);
        return;
      }
      settle(() => ("error" in m ? reject(new Error(`worker thread failed: ${m.error}`)) : resolve(m.result as T)));
    });
    worker.on("error", (error) => settle(() => reject(error)));
    worker.on("exit", (code) => settle(() => reject(new Error(`worker thread exited with code ${code} before answering`))));
  });
}

/** The worker side of callOnWorker: one exported function of a module, its progress posted as it goes. */
const CALL_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
Promise.resolve()
  .then(() => require(workerData.entry)[workerData.exportName](...workerData.args, (...progress) => parentPort.postMessage({ progress })))
  .then(
    (result) => parentPort.postMessage({ result }),
    (error) => parentPort.postMessage({ error: String((error && error.stack) || error) }),
  );
`;

/**
 * Calls `exportName` of the module at `entry` (a built CommonJS file, e.g. @quell/ml's dist) on a
 * worker thread with `args` (structured-cloned) and a progress callback appended as its last
 * argument; whatever the worker's function passes that callback reaches `onProgress`. Resolves
 * with the function's (awaited) result.
 */
export function callOnWorker<T>(entry: string, exportName: string, args: readonly unknown[], onProgress?: (...progress: never[]) => void): Promise<T> {
  return runOnWorker<T>(CALL_SOURCE, { entry, exportName, args }, (m) => {
    const progress = (m as { progress?: never[] }).progress;
    if (progress) onProgress?.(...progress);
  });
}
