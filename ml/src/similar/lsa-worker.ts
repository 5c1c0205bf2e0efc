import { runOnWorker } from "../util/worker";
import type { IvfState } from "./ivf-index";
import { LsaEmbedder, type EmbedderText, type LsaArtifact, type LsaOptions } from "./lsa-embedder";

/** Rows embedded per call (bounds the per-row arrays alive at once). */
const EMBED_BATCH = 2_000;

/** Every text's embedding, row-major (texts.length x dim); `onProgress` gets the rows done so far. */
export function embedAll(embedder: LsaEmbedder, texts: readonly EmbedderText[], onProgress?: (done: number) => void): Float32Array {
  const vectors = new Float32Array(texts.length * embedder.dim);
  for (let i = 0; i < texts.length; i += EMBED_BATCH) {
    embedder.embed(texts.slice(i, i + EMBED_BATCH)).forEach((v, j) => vectors.set(v, (i + j) * embedder.dim));
    onProgress?.(Math.min(i + EMBED_BATCH, texts.length));
  }
  return vectors;
}

export interface EmbedderBuildOptions {
  /** The embedder is fitted on the first `fitRows` texts (default: all). */
  fitRows?: number;
  /** One id per text: when given, every text is embedded too and an IvfIndex built over them. */
  ids?: readonly string[];
  lsa?: LsaOptions;
}

export interface EmbedderBuild {
  embedder: LsaEmbedder;
  /** Every text's embedding, row-major (with `ids`). */
  vectors?: Float32Array;
  /** The IvfIndex over them (with `ids`). */
  ivf?: IvfState;
}

/** What the worker runs: the package's own fit, embedAll and IvfIndex.build. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const ml = require(workerData.entry);
(async () => {
  const { texts, fitRows, ids, options } = workerData;
  const embedder = await ml.LsaEmbedder.fit(texts.slice(0, fitRows), options);
  if (!ids) return { artifact: embedder.toArtifact() };
  const vectors = ml.embedAll(embedder, texts);
  const ivf = (await ml.IvfIndex.build(ids, vectors, embedder.dim)).toState();
  return { artifact: embedder.toArtifact(), vectors, ivf };
})().then(
  (result) => parentPort.postMessage({ result }, result.vectors ? [result.vectors.buffer] : []),
  (error) => parentPort.postMessage({ error: String((error && error.stack) || error) }),
);
`;

/**
 * The similar-incident embedder built on a worker thread, so that a retraining does it on the
 * second core while the classifiers train on the first (fit, embedding and index were about a fifth
 * of a 100k retraining's CPU): `LsaEmbedder.fit` on the first `fitRows` texts, then, with `ids`,
 * every text's embedding and an IvfIndex over them. The embedder comes back through its artifact,
 * i.e. exactly as a stored model is loaded; embedder, vectors and index are the same as in this
 * thread, bit for bit (tested).
 *
 * The worker loads @quell/ml's built entry point (ml/dist): run from TypeScript sources (vitest),
 * that build must be current.
 */
export async function buildEmbedderInWorker(texts: readonly EmbedderText[], opts: EmbedderBuildOptions = {}): Promise<EmbedderBuild> {
  const data = {
    entry: require.resolve("@quell/ml"),
    // Only the fields the embedder reads are copied to the worker.
    texts: texts.map((t) => ({ title: t.title, description: t.description ?? null })),
    fitRows: opts.fitRows ?? texts.length,
    ids: opts.ids ? [...opts.ids] : undefined,
    options: opts.lsa ?? {},
  };
  const out = await runOnWorker<{ artifact: LsaArtifact; vectors?: Float32Array; ivf?: IvfState }>(WORKER_SOURCE, data);
  return { embedder: LsaEmbedder.fromArtifact(out.artifact), ...(out.vectors ? { vectors: out.vectors, ivf: out.ivf } : {}) };
}
