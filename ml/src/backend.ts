import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as path from "node:path";

let ready: Promise<string> | null = null;

/**
 * Picks the fastest TF.js backend that loads here: tfjs-node (native) when its optional install
 * succeeded, else WebAssembly (SIMD), else the pure-JS cpu backend. Safe to call many times: every
 * caller shares the first initialisation.
 */
export function initBackend(): Promise<string> {
  if (!ready) ready = pickBackend();
  return ready;
}

async function pickBackend(): Promise<string> {
  if (tryRequireNode() && (await trySet("tensorflow"))) return tf.getBackend();
  if (await tryWasm()) return tf.getBackend();
  await tf.setBackend("cpu");
  await tf.ready();
  return tf.getBackend();
}

function tryRequireNode(): boolean {
  try {
    // Guarded: tfjs-node downloads libtensorflow at install time, which fails offline, so it is
    // optional. A variable module name keeps bundlers and tsc from insisting that it exists.
    const name = "@tensorflow/tfjs-node";
    require(name);
    return true;
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    // Point at the .wasm files shipped inside the npm package so nothing is fetched at run time.
    const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
    setWasmPaths(dist + path.sep);
    return await trySet("wasm");
  } catch {
    return false;
  }
}

async function trySet(name: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}
