import { formatPath, type PathSegment } from '../schema/json-path.js';

/**
 * One thing wrong with a manifest or config file, at the node it is about. Lines and columns
 * start at 1; 0 means the problem is about the path itself (it does not exist, it is empty).
 */
export interface Problem {
  file: string;
  line: number;
  col: number;
  /** JSON path of the node, e.g. `streams[0].pagination.type`; empty for the whole document. */
  path: string;
  message: string;
}

/** `file:line:col: path: message`, leaving out the position when there is none and an empty path. */
export function formatProblem(problem: Problem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.col}` : problem.file;
  return problem.path ? `${where}: ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

/** Builds a problem from path segments. */
export function createProblem(file: string, line: number, col: number, segments: readonly PathSegment[], message: string): Problem {
  return { file, line, col, path: formatPath(segments), message };
}

/** Orders problems by file, then position. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : a.file < b.file ? -1 : 1));
}
