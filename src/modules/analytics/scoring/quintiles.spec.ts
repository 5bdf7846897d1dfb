import { Direction, edgesOf, quintileScores, scoreByEdges } from './quintiles';

describe('quintileScores', () => {
  it('scores five distinct values 1..5, in either direction', () => {
    expect(quintileScores([30, 10, 50, 20, 40], Direction.HIGHER_IS_BETTER)).toEqual([3, 1, 5, 2, 4]);
    expect(quintileScores([30, 10, 50, 20, 40], Direction.LOWER_IS_BETTER)).toEqual([3, 5, 1, 4, 2]);
  });

  it('puts two of ten distinct values in each quintile', () => {
    expect(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], Direction.HIGHER_IS_BETTER)).toEqual([
      1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
    ]);
  });

  it('gives ties at an edge one score, from their mid-rank', () => {
    // 1 (three of them): (0 + 3/2) / 5 = 0.3 → 2; 2: (3 + 1/2) / 5 = 0.7 → 4; 3: (4 + 1/2) / 5 = 0.9 → 5.
    expect(quintileScores([1, 3, 1, 2, 1], Direction.HIGHER_IS_BETTER)).toEqual([2, 5, 2, 4, 2]);
    expect(quintileScores([7, 7, 7], Direction.HIGHER_IS_BETTER)).toEqual([3, 3, 3]);
    expect(quintileScores([4], Direction.LOWER_IS_BETTER)).toEqual([3]);
  });

  it('places a value between full runs against the edges the population left', () => {
    const values = [1, 3, 1, 2, 1];
    const scores = quintileScores(values, Direction.HIGHER_IS_BETTER);
    const edges = edgesOf(values, scores, Direction.HIGHER_IS_BETTER);
    expect(edges).toEqual([1, null, 2, 3]);
    values.forEach((v, i) => expect(scoreByEdges(edges, v, Direction.HIGHER_IS_BETTER)).toBe(scores[i]));
    expect(scoreByEdges(edges, 0, Direction.HIGHER_IS_BETTER)).toBe(1);
    expect(scoreByEdges(edges, 1.5, Direction.HIGHER_IS_BETTER)).toBe(2);
    expect(scoreByEdges(edges, 99, Direction.HIGHER_IS_BETTER)).toBe(5);

    const days = [5, 10, 121, 181, 531];
    const r = quintileScores(days, Direction.LOWER_IS_BETTER);
    const rEdges = edgesOf(days, r, Direction.LOWER_IS_BETTER);
    expect(rEdges).toEqual([181, 121, 10, 5]);
    expect(scoreByEdges(rEdges, 0, Direction.LOWER_IS_BETTER)).toBe(5);
    expect(scoreByEdges(rEdges, 150, Direction.LOWER_IS_BETTER)).toBe(2);
    expect(scoreByEdges(rEdges, 400, Direction.LOWER_IS_BETTER)).toBe(1);
  });
});
