import { ManifestError } from '../errors.js';
import { formatProblem, type Problem } from './problem.js';

/** A {@link ManifestError} for the first of `problems`, with its location; the others in `hint`. */
export function createManifestError(problems: readonly Problem[]): ManifestError {
  const [first, ...rest] = problems;
  if (!first) return new ManifestError('The manifest is invalid.');
  return new ManifestError(formatProblem(first), {
    location: { file: first.file, line: first.line, col: first.col, path: first.path },
    ...(rest.length ? { hint: `${rest.length} more problem${rest.length === 1 ? '' : 's'}: ${rest.map(formatProblem).join(' | ')}` } : {}),
  });
}
