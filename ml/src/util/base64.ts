/** Float32Array <-> base64, so model weights fit in a JSON artifact about 4x smaller than numbers. */
export function float32ToBase64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

export function base64ToFloat32(s: string): Float32Array {
  const buf = Buffer.from(s, "base64");
  // Copy into a fresh, aligned buffer: a Buffer's offset in its pool need not be a multiple of 4.
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export function int32ToBase64(a: Int32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

export function base64ToInt32(s: string): Int32Array {
  const buf = Buffer.from(s, "base64");
  const out = new Int32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}
