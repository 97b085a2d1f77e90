import { UsageError } from '../errors.js';

/**
 * Splits `command:<program and args>` into words the way a POSIX shell does, without running
 * one: blanks separate words; `'...'` keeps everything literally; `"..."` keeps everything but
 * `\"`, `\\`, `\$` and `` \` `` (the backslash then goes); a backslash outside quotes keeps the next
 * character. Nothing is expanded, so the characters a shell would act on (`|`, `&`, `;`, `<`, `>`,
 * `(`, `)`, `$`, `` ` ``) are refused unquoted rather than passed on in silence.
 * @throws UsageError for an unclosed quote, a trailing backslash, an unquoted shell character, or no word.
 */
export function splitCommandLine(text: string, what = 'command:'): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const add = (chars: string): void => {
    word = (word ?? '') + chars;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (word !== undefined) words.push(word);
      word = undefined;
      i += 1;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new UsageError(`${what} has a ' that is not closed.`);
      add(text.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let quoted = '';
      for (;;) {
        if (j >= text.length) throw new UsageError(`${what} has a " that is not closed.`);
        const d = text[j]!;
        if (d === '"') break;
        if (d === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1]!)) {
          quoted += text[j + 1];
          j += 2;
        } else {
          quoted += d;
          j += 1;
        }
      }
      add(quoted);
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new UsageError(`${what} ends with a backslash that escapes nothing.`);
      add(text[i + 1]!);
      i += 2;
    } else if ('|&;<>()$`'.includes(c)) {
      throw new UsageError(`${what} runs its program without a shell, so ${c} would not do what a shell does; quote it to pass it as an argument, or put a pipeline in a script.`);
    } else {
      add(c);
      i += 1;
    }
  }
  if (word !== undefined) words.push(word);
  if (words.length === 0 || words[0] === '') throw new UsageError(`${what} names no program.`);
  return words;
}
