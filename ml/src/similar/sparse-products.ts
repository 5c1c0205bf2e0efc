import * as tf from "@tensorflow/tfjs";
import type { SparseVector } from "../text/sparse";

/** Rows of a sparse matrix, processed in chunks of about this many non-zeros per TF.js call. */
const CHUNK_NNZ = 200_000;

function chunks(rows: readonly SparseVector[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  let nnz = 0;
  rows.forEach((r, i) => {
    nnz += r.indices.length;
    if (nnz >= CHUNK_NNZ) {
      out.push({ start, end: i + 1 });
      start = i + 1;
      nnz = 0;
    }
  });
  if (start < rows.length) out.push({ start, end: rows.length });
  return out;
}

function flatten(rows: readonly SparseVector[], start: number, end: number) {
  let nnz = 0;
  for (let i = start; i < end; i++) nnz += rows[i].indices.length;
  const col = new Int32Array(nnz);
  const row = new Int32Array(nnz);
  const val = new Float32Array(nnz);
  let k = 0;
  for (let i = start; i < end; i++) {
    col.set(rows[i].indices, k);
    val.set(rows[i].values, k);
    row.fill(i - start, k, k + rows[i].indices.length);
    k += rows[i].indices.length;
  }
  return { col, row, val, nnz };
}

/** X · M for sparse X (n x V, as rows) and dense M (V x l): gather rows of M, scatter-add per row. */
export function sparseTimesDense(X: readonly SparseVector[], M: tf.Tensor2D): tf.Tensor2D {
  const l = M.shape[1];
  const parts: tf.Tensor2D[] = [];
  for (const { start, end } of chunks(X)) {
    const { col, row, val, nnz } = flatten(X, start, end);
    parts.push(
      tf.tidy(() => {
        if (nnz === 0) return tf.zeros([end - start, l]) as tf.Tensor2D;
        const g = tf.gatherND(M, tf.tensor2d(col, [nnz, 1], "int32")).mul(tf.tensor2d(val, [nnz, 1]));
        return tf.scatterND(tf.tensor2d(row, [nnz, 1], "int32"), g, [end - start, l]) as tf.Tensor2D;
      }),
    );
  }
  if (parts.length === 0) return tf.zeros([0, l]);
  const out = tf.concat(parts, 0);
  parts.forEach((p) => p.dispose());
  return out;
}

/** Xᵀ · Y for sparse X (n x V, as rows) and dense Y (n x l): scatter-add value * Y[row] into column rows. */
export function sparseTransposeTimesDense(X: readonly SparseVector[], Y: tf.Tensor2D, nCols: number): tf.Tensor2D {
  const l = Y.shape[1];
  let acc = tf.zeros([nCols, l]) as tf.Tensor2D;
  for (const { start, end } of chunks(X)) {
    const { col, row, val, nnz } = flatten(X, start, end);
    if (nnz === 0) continue;
    const next = tf.tidy(() => {
      const y = Y.slice([start, 0], [end - start, l]);
      const g = tf.gatherND(y, tf.tensor2d(row, [nnz, 1], "int32")).mul(tf.tensor2d(val, [nnz, 1]));
      return acc.add(tf.scatterND(tf.tensor2d(col, [nnz, 1], "int32"), g, [nCols, l])) as tf.Tensor2D;
    });
    acc.dispose();
    acc = next;
  }
  return acc;
}
