// Weighted choice among a rule's backends and round robin among a backend's endpoints.

/**
 * Smooth weighted round robin (as in nginx): over any window of `total` picks each backend gets exactly its
 * weight's share, and picks of the same backend are spread out rather than bunched.
 */
export class WeightedPicker {
  private readonly weights: number[];
  private readonly current: number[];
  private readonly total: number;

  constructor(weights: number[]) {
    this.weights = weights;
    this.current = weights.map(() => 0);
    this.total = weights.reduce((a, b) => a + b, 0);
  }

  pick(): number {
    const { weights, current } = this;
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i] += weights[i];
      if (current[i] > current[best]) best = i;
    }
    current[best] -= this.total;
    return best;
  }
}
