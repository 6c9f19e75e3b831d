#!/usr/bin/env node
// The README's file format reference, generated from schema/compute.schema.json: one table per object of the
// file, one row per field with its type, default and meaning. `npm run docs` rewrites the README section between
// the markers; `--check` only reports whether it is up to date (exit 1 when it is not).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The markers around the generated section in README.md. */
export const BEGIN = '<!-- BEGIN GENERATED: file format reference (npm run docs; edit schema/compute.schema.json, not this) -->';
export const END = '<!-- END GENERATED: file format reference -->';

// Resolves a `$ref` (local definitions only, as the schema uses), following chains of them, and remembers the name
// of the first definition.
function resolve(schema, node) {
  let def;
  let current = node;
  while (current && typeof current.$ref === 'string') {
    const name = current.$ref.replace('#/definitions/', '');
    const target = schema.definitions?.[name];
    if (!target) throw new Error(`unknown $ref ${current.$ref}`);
    def ??= name;
    const { $ref, ...own } = current;
    // Keywords beside the $ref (a description, mostly) win over the definition's.
    current = { ...target, ...own, ...(target.$ref && !own.$ref ? { $ref: target.$ref } : {}) };
    if (!target.$ref) delete current.$ref;
  }
  return { node: current, def };
}

const hasFields = (node) => Boolean(node && typeof node === 'object' && node.properties);

// The objects of the file, in the order they are reached from the top, each once, with every path it is used at.
// A definition reached twice (health_check under servers and services) is one section: nodes are compared as the
// schema's own definition objects, because resolve() makes a new object each time.
function collectSections(schema) {
  const sections = [];
  const byNode = new Map();
  const canonical = (raw) => {
    const { node, def } = resolve(schema, raw);
    return def && Object.keys(raw).length === 1 ? schema.definitions[def] : node;
  };
  const visit = (node, path) => {
    const known = byNode.get(node);
    if (known) return void known.paths.push(path);
    const section = { node, paths: [path] };
    byNode.set(node, section);
    sections.push(section);
    for (const [name, raw] of Object.entries(node.properties)) {
      const field = canonical(raw);
      const fieldPath = path ? `${path}.${name}` : name;
      if (hasFields(field)) visit(field, fieldPath);
      const items = field.items ? canonical(field.items) : undefined;
      if (hasFields(items)) visit(items, `${fieldPath}[]`);
      const values = typeof field.additionalProperties === 'object' ? canonical(field.additionalProperties) : undefined;
      if (hasFields(values)) visit(values, `${fieldPath}.<name>`);
    }
  };
  visit(schema, '');
  return sections;
}

const TYPE_WORDS = { string: 'string', integer: 'integer', number: 'number', boolean: 'boolean', null: 'null' };

/** Types named by their definition, where the JSON types alone would read badly. */
export const NAMED_TYPES = {
  slug: 'name',
  sandboxPath: 'sandbox path',
  envValue: 'string, number or boolean',
  envMap: 'map or list of `NAME=value`',
  envFile: 'path or list of paths',
  needs: 'list of names or map of name → object',
};

// A field's type in words: enums as their values, ranges for integers, lists and maps with what they hold.
export function typeText(schema, raw) {
  const { node, def } = resolve(schema, raw);
  if (Array.isArray(node.enum)) return node.enum.map((value) => `\`${value}\``).join(' | ');
  if (def && NAMED_TYPES[def]) return NAMED_TYPES[def];
  const types = Array.isArray(node.type) ? node.type : [node.type ?? (node.properties ? 'object' : 'any')];
  const words = types.map((type) => {
    if (type === 'integer') return integerText(node);
    if (type === 'array') return node.items ? `list of ${plural(typeText(schema, node.items))}` : 'list';
    if (type === 'object') {
      if (node.properties) return 'object';
      const values = node.additionalProperties;
      return values && typeof values === 'object' ? `map of name → ${typeText(schema, values)}` : 'map';
    }
    return TYPE_WORDS[type] ?? type;
  });
  return words.length <= 2 ? words.join(' or ') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function integerText(node) {
  const { minimum: min, maximum: max } = node;
  if (min !== undefined && max !== undefined && max < 2147483647) return `integer ${min}–${max}`;
  return min !== undefined ? `integer ≥ ${min}` : 'integer';
}

// "string, number or boolean" → "strings, numbers or booleans"; anything else is left as it is.
function plural(text) {
  const words = text.split(/(, | or )/);
  const nouns = new Set(['string', 'name', 'integer', 'number', 'boolean', 'object', 'path']);
  if (!words.every((word, i) => i % 2 === 1 || nouns.has(word))) return text;
  return words.map((word, i) => (i % 2 === 1 ? word : `${word}s`)).join('');
}

/** Splits a description into the default it states and the meaning without that sentence. */
export function splitDefault(description) {
  const sentence = /\s*Default:? (.+?)\.(?=\s|$)/.exec(description);
  if (sentence) {
    const meaning = (description.slice(0, sentence.index) + description.slice(sentence.index + sentence[0].length)).trim();
    return { defaultText: sentence[1], meaning };
  }
  const inline = /(`[^`]+`|[\w.-]+) \(default\)/.exec(description);
  return { defaultText: inline ? inline[1] : '', meaning: description.trim() };
}

// Markdown table cells: a `|` would end the cell, even inside backticks.
const cell = (text) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

// One table row per field.
function fieldRows(schema, node, required) {
  return Object.entries(node.properties).map(([name, raw]) => {
    const { node: field } = resolve(schema, raw);
    const { defaultText, meaning } = splitDefault(field.description ?? '');
    const shown = required.has(name) ? 'required' : defaultText || '—';
    return `| \`${name}\` | ${cell(typeText(schema, raw))} | ${cell(shown)} | ${cell(meaning)} |`;
  });
}

/** Renders the reference: a table per object of the file, from the top level down, then the named types. */
export function renderReference(schema) {
  const parts = [];
  for (const { node, paths } of collectSections(schema)) {
    const title = paths[0] === '' ? 'Top level' : `\`${paths[0]}\``;
    const also = paths.length > 1 ? ` (also \`${paths.slice(1).join('`, `')}\`)` : '';
    parts.push(`#### ${title}${also}`, '');
    if (node.description) parts.push(node.description, '');
    parts.push('| field | type | default | meaning |', '|---|---|---|---|');
    parts.push(...fieldRows(schema, node, new Set(node.required ?? [])), '');
  }
  parts.push('#### Types', '');
  for (const def of ['slug', 'sandboxPath']) parts.push(`- **${NAMED_TYPES[def]}**: ${schema.definitions[def].description}`);
  return `${parts.join('\n')}\n`;
}

/** Replaces the text between the markers with `section`; throws when the markers are missing. */
export function replaceSection(readme, section) {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} ... ${END} markers`);
  return `${readme.slice(0, start + BEGIN.length)}\n\n${section.trimEnd()}\n\n${readme.slice(end)}`;
}

// `node docs/reference.mjs [--check]` from anywhere: paths are taken from the repository root.
function cli() {
  const root = new URL('..', import.meta.url);
  const schema = JSON.parse(readFileSync(new URL('schema/compute.schema.json', root), 'utf8'));
  const readmeUrl = new URL('README.md', root);
  const readme = readFileSync(readmeUrl, 'utf8');
  const next = replaceSection(readme, renderReference(schema));
  if (process.argv.includes('--check')) {
    if (next === readme) return 0;
    process.stderr.write('README.md: the file format reference is out of date; run `npm run docs`\n');
    return 1;
  }
  if (next !== readme) writeFileSync(readmeUrl, next);
  process.stdout.write(next === readme ? 'README.md is up to date\n' : 'README.md: file format reference updated\n');
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = cli();
