/**
 * Node's system errors (`ENOTDIR`, `ENOSPC`, `EROFS`, ...) as one sentence for the user: what
 * could not be done, where, why, and what to do, instead of `Unexpected error: <errno text>`.
 */

/** The fields of a Node system error this module reads. */
interface SystemErrorFields {
  code?: unknown;
  syscall?: unknown;
  path?: unknown;
  dest?: unknown;
}

/** Why the system refused, and what to do about it, by error code. */
const REASONS: Readonly<Record<string, readonly [why: string, todo: string]>> = {
  ENOTDIR: ['a part of that path is a file, not a folder', 'check CONNECTORS_HOME, secret_store.path in connectors.config.yaml and --output'],
  EEXIST: ['a file is in the way', 'choose another path or move the file away'],
  EISDIR: ['it is a folder, not a file', 'name a file'],
  ENOENT: ['it does not exist', 'check the path'],
  ENAMETOOLONG: ['the name is too long for the file system', 'use a shorter name or path'],
  ENOSPC: ['the disk is full', 'free some space and run again'],
  EDQUOT: ['the disk quota is used up', 'free some space and run again'],
  EACCES: ['permission denied', 'check the permissions, or set CONNECTORS_HOME to a folder you may write'],
  EPERM: ['the operation is not permitted', 'check the permissions, or set CONNECTORS_HOME to a folder you may write'],
  EROFS: ['the file system is read-only', 'set CONNECTORS_HOME (or secret_store.path, or --output) to a writable folder'],
  EMFILE: ['too many files are open', 'raise the limit (ulimit -n) or run fewer commands at once'],
  ENFILE: ['too many files are open', 'raise the limit (ulimit -n) or run fewer commands at once'],
};

/** What `mkdir` with `recursive` reports when a parent cannot be made, e.g. on a read-only file system. */
const MKDIR_ENOENT: readonly [string, string] = ['the folder cannot be made there (is the file system read-only?)', 'set CONNECTORS_HOME to a writable folder'];

/** The codes that mean "this place cannot be written", whatever is written. */
const UNWRITABLE = ['EROFS', 'EACCES', 'EPERM'];

/** What the system call was doing, as words. */
function describeAction(syscall: string, path: string | undefined, dest: string | undefined): string {
  const where = path ?? 'a file';
  switch (syscall) {
    case 'mkdir':
      return `create the folder ${where}`;
    case 'open':
      return `open ${where}`;
    case 'rename':
      return `replace ${dest ?? where}`;
    case 'unlink':
    case 'rmdir':
    case 'rm':
      return `remove ${where}`;
    case 'write':
    case 'writev':
    case 'fsync':
      return `write ${where}`;
    case 'read':
      return `read ${where}`;
    case 'scandir':
    case 'opendir':
      return `list the folder ${where}`;
    case 'copyfile':
      return `copy ${where}${dest ? ` to ${dest}` : ''}`;
    case 'symlink':
    case 'link':
      return `link ${dest ?? where}`;
    case 'chmod':
    case 'fchmod':
      return `set the permissions of ${where}`;
    default:
      return `use ${where}`;
  }
}

/** The first system error in `error` and its `cause` chain, if any. */
function findSystemError(error: unknown): (Error & SystemErrorFields) | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as SystemErrorFields).code;
    if (typeof code === 'string' && REASONS[code] && typeof (current as SystemErrorFields).syscall === 'string') {
      return current as Error & SystemErrorFields;
    }
  }
  return undefined;
}

/**
 * One sentence for a Node system error about the file system (`ENOTDIR`, `EEXIST`, `ENAMETOOLONG`,
 * `ENOSPC`, `EACCES`, `EPERM`, `EROFS`, ...), found in `error` or its causes: `Could not create
 * the folder /x/state: the file system is read-only; set CONNECTORS_HOME ... .` Undefined for
 * any other error. `options.path` names the file when the error does not (a stream's write).
 */
export function describeSystemError(error: unknown, options: { path?: string } = {}): string | undefined {
  const found = findSystemError(error);
  if (!found) return undefined;
  const code = found.code as string;
  const [why, todo] = code === 'ENOENT' && found.syscall === 'mkdir' ? MKDIR_ENOENT : REASONS[code]!;
  const path = typeof found.path === 'string' ? found.path : options.path;
  const dest = typeof found.dest === 'string' ? found.dest : undefined;
  return `Could not ${describeAction(found.syscall as string, path, dest)}: ${why} (${code}); ${todo}.`;
}

/**
 * True when `error` (or a cause) says a place cannot be written: a read-only file system, no
 * permission, or a folder that recursive `mkdir` could not make (Node then reports `ENOENT`).
 */
export function isUnwritableError(error: unknown): boolean {
  const found = findSystemError(error);
  if (!found) return false;
  return UNWRITABLE.includes(found.code as string) || (found.code === 'ENOENT' && found.syscall === 'mkdir');
}

/** True for V8's stack overflow (`RangeError: Maximum call stack size exceeded`). */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /maximum call stack size exceeded/i.test(error.message);
}
