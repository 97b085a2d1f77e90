import type { PathSegment } from '../schema/json-path.js';
import type { YamlFile } from './load.js';
import { createProblem, type Problem } from './problem.js';

/** Records a problem at a node of a file: `report(['streams', 0, 'name'], 'unknown ...')`. */
export type Report = (segments: readonly PathSegment[], message: string, options?: { target?: 'key' | 'value'; offset?: number }) => void;

/**
 * A {@link Report} that pushes onto `problems`. `offset` points inside a single-line string
 * scalar (a template expression), when the scalar's source text equals its value.
 */
export function createReport(yaml: YamlFile, problems: Problem[]): Report {
  return (segments, message, options = {}) => {
    let { line, col } = yaml.locate(segments, options.target);
    if (options.offset !== undefined) {
      const shift = scalarShift(yaml, segments, options.offset);
      if (shift !== undefined) col += shift;
    }
    problems.push(createProblem(yaml.file, line, col, segments, message));
  };
}

function scalarShift(yaml: YamlFile, segments: readonly PathSegment[], offset: number): number | undefined {
  const node = yaml.nodeAt(segments) as { range?: [number, number, number]; type?: string; value?: unknown } | undefined;
  if (!node?.range || typeof node.value !== 'string') return undefined;
  const start = node.range[0];
  const value = node.value;
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : node.type === 'PLAIN' ? 0 : -1;
  if (quoted < 0 || value.includes('\n')) return undefined;
  return yaml.text.slice(start + quoted, start + quoted + value.length) === value ? quoted + offset : undefined;
}
