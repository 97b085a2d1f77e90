import { describe, expect, it } from 'vitest';
import { createBuiltInRegistry } from '../auth/schemes/index.js';
import { parseYamlText } from './load.js';
import { formatProblem } from './problem.js';
import { validateManifestYaml } from './validate.js';

const registry = createBuiltInRegistry();

function problems(streams: string[]): string[] {
  const text = ['apiVersion: connectors/v1', 'name: demo', 'auth:', '  scheme: none', 'base_url: http://127.0.0.1:9', 'streams:', ...streams, ''].join('\n');
  const loaded = parseYamlText('m.yaml', text);
  if (!loaded.ok) return loaded.problems.map(formatProblem);
  return validateManifestYaml(loaded.yaml, { registry }).problems.map(formatProblem);
}

const projects = ['  - name: projects', '    path: /projects', '    output: false'];

describe('parent in validate', () => {
  it('accepts a child reading parent values in its path, params, headers and body', () => {
    expect(
      problems([
        ...projects,
        '  - name: tasks',
        '    path: "/projects/{{ parent.project_id }}/tasks"',
        '    params: {p: "{{ parent.project_id }}"}',
        '    headers: {X-Project: "{{ parent.project_id }}"}',
        '    parent: {stream: projects, fields: {project_id: id}, include: [project_id]}',
      ]),
    ).toEqual([]);
  });

  it('refuses a parent that names no stream, at file:line:col', () => {
    expect(problems([...projects, '  - name: tasks', '    path: /t', '    parent: {stream: projets, fields: {project_id: id}}'])).toEqual([
      'm.yaml:12:22: streams[1].parent.stream: parent stream "projets" is not a stream of this manifest; did you mean "projects"?',
    ]);
  });

  it('refuses a stream that is its own parent, and a cycle', () => {
    expect(problems(['  - name: tasks', '    path: /t', '    parent: {stream: tasks, fields: {id: id}}'])).toEqual([
      'm.yaml:9:22: streams[0].parent.stream: stream "tasks" cannot be its own parent',
    ]);
    expect(
      problems([
        '  - name: a',
        '    path: /a',
        '    parent: {stream: b, fields: {id: id}}',
        '  - name: b',
        '    path: /b',
        '    parent: {stream: a, fields: {id: id}}',
      ]),
    ).toEqual([
      'm.yaml:9:22: streams[0].parent.stream: parent streams form a cycle: a -> b -> a',
      'm.yaml:12:22: streams[1].parent.stream: parent streams form a cycle: b -> a -> b',
    ]);
  });

  it('refuses parent.x where x is not in fields, and include names not in fields', () => {
    const found = problems([...projects, '  - name: tasks', '    path: "/p/{{ parent.projectid }}"', '    parent: {stream: projects, fields: {project_id: id}, include: [owner]}']);
    expect(found).toEqual([
      'm.yaml:11:18: streams[1].path: unknown parent value `projectid` in `parent.projectid`; did you mean `project_id`?',
      'm.yaml:12:68: streams[1].parent.include[0]: include "owner" is not one of parent.fields (project_id)',
    ]);
  });

  it('refuses parent.x in a stream without parent', () => {
    expect(problems(['  - name: tasks', '    path: "/p/{{ parent.id }}"'])).toEqual([
      'm.yaml:8:18: streams[0].path: `parent.id`: `parent` is only for the path, url, params, headers and body of a stream with `parent`',
    ]);
  });
});
