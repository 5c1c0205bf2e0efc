import { expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "./backend";

it("picks a backend once and reports the one TF.js uses", async () => {
  const [a, b] = await Promise.all([initBackend(), initBackend()]);
  expect(a).toBe(b);
  expect(["tensorflow", "wasm", "cpu"]).toContain(a);
  expect(tf.getBackend()).toBe(a);
  expect(await tf.tensor1d([1, 2]).sum().data()).toEqual(new Float32Array([3]));
});
