/**
 * Keeps the k highest scores seen so far, in descending order. For k around 10 to 100 an insertion
 * into a sorted array beats a heap: most candidates fail the first comparison with the k-th score.
 */
export class TopK {
  readonly scores: Float64Array;
  readonly items: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.items = new Int32Array(k);
  }

  /** Lowest score still kept, or -Infinity while fewer than k are held. */
  get floor(): number {
    return this.size < this.k ? -Infinity : this.scores[this.k - 1];
  }

  push(item: number, score: number): void {
    if (this.k === 0 || (this.size === this.k && score <= this.scores[this.k - 1])) return;
    let i = this.size < this.k ? this.size++ : this.k - 1;
    while (i > 0 && this.scores[i - 1] < score) {
      this.scores[i] = this.scores[i - 1];
      this.items[i] = this.items[i - 1];
      i--;
    }
    this.scores[i] = score;
    this.items[i] = item;
  }
}
