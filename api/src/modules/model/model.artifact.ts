import { gunzipSync, gzipSync } from "node:zlib";

/** Artifacts are JSON from @quell/ml, gzip'd into a bytea (base64 weights compress well). */
export function packArtifact(artifact: unknown): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(artifact), "utf8"), { level: 6 });
}

export function unpackArtifact<T>(data: Buffer): T {
  return JSON.parse(gunzipSync(data).toString("utf8")) as T;
}

/** float32 vectors as bytea and back (little-endian, what every platform we run on uses). */
export function vectorToBytes(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function bytesToVector(b: Buffer): Float32Array {
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}
