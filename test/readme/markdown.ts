// Reading README.md the way the tests need: a section under a heading, and the fenced code blocks in it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** README.md as it is in the working tree. */
export function readme(): string {
  return readFileSync(`${REPO}README.md`, 'utf8');
}

/**
 * The text under the first heading whose title starts with `title` (any level), up to the next heading of the same
 * or a higher level. Throws when there is no such heading, so a renamed heading fails the test that reads it.
 */
export function section(markdown: string, title: string): string {
  const lines = markdown.split('\n');
  let inFence = false;
  let start = -1;
  let level = 0;
  for (const [i, line] of lines.entries()) {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = inFence ? null : /^(#{1,6}) (.*)$/.exec(line);
    if (!heading) continue;
    const depth = (heading[1] as string).length;
    if (start < 0 && (heading[2] as string).startsWith(title)) {
      start = i + 1;
      level = depth;
    } else if (start >= 0 && depth <= level) {
      return lines.slice(start, i).join('\n');
    }
  }
  if (start < 0) throw new Error(`README.md has no heading starting with "${title}"`);
  return lines.slice(start).join('\n');
}

/** The fenced code blocks of `markdown` whose info string is `lang`, in order, without the fences. */
export function fencedBlocks(markdown: string, lang: string): string[] {
  const blocks: string[] = [];
  const pattern = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(pattern)) {
    if ((match[1] as string).trim() === lang) blocks.push(match[2] as string);
  }
  return blocks;
}

/** The quickstart's commands: the ```sh blocks under "## Quickstart", in order, trimmed. */
export function quickstartCommands(markdown: string): string[] {
  return fencedBlocks(section(markdown, 'Quickstart'), 'sh').map((block) => block.trim());
}
