import { distance } from 'fastest-levenshtein';

/**
 * The closest of `candidates` to a misspelt `word`, when it is close enough to be a likely typo
 * (edits at most a third of its length, rounded up, between 1 and 3); else undefined.
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.min(3, Math.max(1, Math.ceil(word.length / 3)));
  return best !== undefined && bestDistance <= limit && best !== word ? best : undefined;
}
