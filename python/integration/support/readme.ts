import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYTHON_DIR } from './python.js';

/** python/README.md, whose marked code blocks are what the end-to-end test runs. */
export function readme(): string {
  return readFileSync(join(PYTHON_DIR, 'README.md'), 'utf8');
}

/** The ```python blocks marked `<!-- file: NAME -->`, by file name. */
export function readmeFiles(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const match of markdown.matchAll(/<!-- file: (\S+) -->\s*```python\n([\s\S]*?)```/g)) {
    files.set(match[1] as string, match[2] as string);
  }
  return files;
}

/** The ```sh block marked `<!-- run: NAME -->`. */
export function readmeCommands(markdown: string, name: string): string {
  const match = new RegExp(`<!-- run: ${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(markdown);
  if (!match) throw new Error(`python/README.md has no <!-- run: ${name} --> sh block`);
  return match[1] as string;
}

/** Each ```diff block's added lines, with the file block that follows it. */
export function readmeDiffs(markdown: string): { file: string; added: string[] }[] {
  const diffs: { file: string; added: string[] }[] = [];
  for (const match of markdown.matchAll(/```diff\n([\s\S]*?)```[\s\S]*?<!-- file: (\S+) -->/g)) {
    const added = (match[1] as string)
      .split('\n')
      .filter((line) => line.startsWith('+'))
      .map((line) => line.slice(1).trim());
    diffs.push({ file: match[2] as string, added });
  }
  return diffs;
}
