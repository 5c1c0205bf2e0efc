/** A sparse vector: feature indices in ascending order with their values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export const EMPTY_SPARSE: SparseVector = { indices: new Int32Array(0), values: new Float32Array(0) };

/** Builds a sorted sparse vector from index->value pairs (duplicates already summed). */
export function sparseFromMap(map: Map<number, number>): SparseVector {
  const indices = Int32Array.from(map.keys()).sort();
  const values = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) values[i] = map.get(indices[i])!;
  return { indices, values };
}

export function l2Normalize(v: SparseVector): SparseVector {
  let sum = 0;
  for (let i = 0; i < v.values.length; i++) sum += v.values[i] * v.values[i];
  if (sum === 0) return v;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.values.length; i++) v.values[i] *= inv;
  return v;
}

export function sparseDot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < a.indices.length && j < b.indices.length) {
    if (a.indices[i] === b.indices[j]) s += a.values[i++] * b.values[j++];
    else if (a.indices[i] < b.indices[j]) i++;
    else j++;
  }
  return s;
}
