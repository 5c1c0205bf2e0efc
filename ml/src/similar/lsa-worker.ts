import { Worker } from "node:worker_threads";
import { LsaEmbedder, type EmbedderText, type LsaOptions } from "./lsa-embedder";

/** What the worker runs: the package's own LsaEmbedder.fit, answered with the embedder's artifact. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
require(workerData.entry)
  .LsaEmbedder.fit(workerData.texts, workerData.options)
  .then(
    (embedder) => parentPort.postMessage({ artifact: embedder.toArtifact() }),
    (error) => parentPort.postMessage({ error: String((error && error.stack) || error) }),
  );
`;

/**
 * `LsaEmbedder.fit(texts, opts)` on a worker thread, so that a retraining fits the embedder on the
 * second core while the classifiers train on the first (the fit was a sixth of a 100k retraining's
 * CPU). The embedder comes back through its artifact, i.e. exactly as a stored model is loaded:
 * the same terms, IDF and projection as an in-thread fit, bit for bit (tested).
 *
 * The worker loads @quell/ml's built entry point (ml/dist): run from TypeScript sources (vitest),
 * that build must be current.
 */
export function fitLsaEmbedderInWorker(texts: readonly EmbedderText[], opts: LsaOptions = {}): Promise<LsaEmbedder> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Only the fields the fit reads are copied to the worker.
      workerData: { entry: require.resolve("@quell/ml"), texts: texts.map((t) => ({ title: t.title, description: t.description ?? null })), options: opts },
    });
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      // TF.js keeps the worker's event loop alive; its work is done either way.
      void worker.terminate();
    };
    worker.on("message", (m: { artifact?: Parameters<typeof LsaEmbedder.fromArtifact>[0]; error?: string }) =>
      settle(() => (m.artifact ? resolve(LsaEmbedder.fromArtifact(m.artifact)) : reject(new Error(`LSA fit failed in its worker: ${m.error}`)))),
    );
    worker.on("error", (error) => settle(() => reject(error)));
    worker.on("exit", (code) => settle(() => reject(new Error(`LSA worker exited with code ${code} before answering`))));
  });
}
