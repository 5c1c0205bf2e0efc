import { runOnWorker } from "../util/worker";
import { LsaEmbedder, type EmbedderText, type LsaArtifact, type LsaOptions } from "./lsa-embedder";

/** What the worker runs: the package's own LsaEmbedder.fit, answered with the embedder's artifact. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
require(workerData.entry)
  .LsaEmbedder.fit(workerData.texts, workerData.options)
  .then(
    (embedder) => parentPort.postMessage({ result: embedder.toArtifact() }),
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
export async function fitLsaEmbedderInWorker(texts: readonly EmbedderText[], opts: LsaOptions = {}): Promise<LsaEmbedder> {
  // Only the fields the fit reads are copied to the worker.
  const data = { entry: require.resolve("@quell/ml"), texts: texts.map((t) => ({ title: t.title, description: t.description ?? null })), options: opts };
  return LsaEmbedder.fromArtifact(await runOnWorker<LsaArtifact>(WORKER_SOURCE, data));
}
