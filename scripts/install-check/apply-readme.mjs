#!/usr/bin/env node
/**
 * Follows the "## Install" section of Slipway plugin READMEs in a Backstage app made by
 * `@backstage/create-app --legacy`, the way a person would, so the READMEs and
 * scripts/install-check/run.sh cannot drift apart.
 *
 * Usage: node apply-readme.mjs <app dir> <README.md>...
 *
 * In an Install section, each fenced block is one step:
 * - ```sh  — `yarn --cwd <workspace> add <pkg>...` lines: the packages become
 *   dependencies (`^<version>` of the packed package, from the app's root
 *   `resolutions`, which run.sh points at the tarballs); `yarn install` runs later.
 * - first line `// <file>: imports` — added after the file's last top-level import;
 * - `// <file>: before backend.start()` — inserted before `backend.start();`;
 * - `// <file>: in overviewContent` / `in serviceEntityPage` — JSX added as the last
 *   child of that constant's outer element in the template's EntityPage.tsx;
 * - `// <file>: replaces <X />` — that JSX element is replaced;
 * - first line `# app-config.yaml` — the YAML is merged into the app's app-config.yaml.
 * Other blocks are explanations and are not applied.
 *
 * @throws Error naming the README and step when a step cannot be applied (the anchor it
 *   needs is missing from the app), so a README the template no longer fits fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';

const [appDir, ...readmes] = process.argv.slice(2);
if (!appDir || readmes.length === 0) {
  console.error('usage: apply-readme.mjs <app dir> <README.md>...');
  process.exit(2);
}

/** The fenced blocks `{ lang, body }` of a README's `## Install` section. */
function installBlocks(markdown) {
  const m = /^## Install\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown);
  if (!m) return [];
  const blocks = [];
  const re = /^```(\w*)\n([\s\S]*?)^```$/gm;
  let b;
  while ((b = re.exec(m[1]))) blocks.push({ lang: b[1], body: b[2] });
  return blocks;
}

const read = f => fs.readFileSync(path.join(appDir, f), 'utf8');
const write = (f, s) => fs.writeFileSync(path.join(appDir, f), s);
const rootPkg = JSON.parse(read('package.json'));

function yarnAdd(line, where) {
  const m = /^yarn\s+--cwd\s+(\S+)\s+add\s+(.+)$/.exec(line.trim());
  if (!m) throw new Error(`${where}: cannot follow "${line}"`);
  const pkgFile = path.join(m[1], 'package.json');
  const pkg = JSON.parse(read(pkgFile));
  for (const name of m[2].split(/\s+/)) {
    const tarball = rootPkg.resolutions?.[name];
    if (!tarball) throw new Error(`${where}: ${name} has no packed tarball`);
    const version = /-(\d+\.\d+\.\d+[^/]*)\.tgz$/.exec(tarball)?.[1];
    pkg.dependencies = { ...pkg.dependencies, [name]: `^${version}` };
  }
  write(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
}

/** Index just before the closing line of the JSX constant `name` (its outer element). */
function endOfConstant(src, name, where) {
  const start = src.indexOf(`const ${name} = (`);
  if (start < 0) throw new Error(`${where}: no "const ${name}" in the app`);
  const end = src.indexOf('\n);', start);
  const close = src.lastIndexOf('\n', end - 1); // the line closing the outer element
  return close;
}

function indent(code, spaces) {
  return code
    .trimEnd()
    .split('\n')
    .map(l => (l ? ' '.repeat(spaces) + l : l))
    .join('\n');
}

function applyCode(file, anchor, code, where) {
  let src = read(file);
  if (anchor === 'imports') {
    const lastImport = [
      ...src.matchAll(/^import[\s\S]*?from '[^']+';$/gm),
    ].pop();
    const at = lastImport.index + lastImport[0].length;
    src = `${src.slice(0, at)}\n${code.trimEnd()}${src.slice(at)}`;
  } else if (anchor === 'before backend.start()') {
    const at = src.indexOf('backend.start();');
    if (at < 0) throw new Error(`${where}: no backend.start() in ${file}`);
    src = `${src.slice(0, at)}${code.trimEnd()}\n\n${src.slice(at)}`;
  } else if (/^in \w+$/.test(anchor)) {
    const at = endOfConstant(src, anchor.slice(3), where);
    src = `${src.slice(0, at)}\n${indent(code, 4)}${src.slice(at)}`;
  } else if (anchor.startsWith('replaces ')) {
    const element = anchor.slice('replaces '.length);
    if (!src.includes(element))
      throw new Error(`${where}: no ${element} in ${file}`);
    src = src.replace(element, code.trim());
  } else {
    throw new Error(`${where}: unknown step "${anchor}"`);
  }
  write(file, src);
}

function mergeYaml(file, body) {
  const doc = parseDocument(read(file));
  const add = parseDocument(body).toJS();
  for (const [k, v] of Object.entries(add)) doc.set(k, v);
  write(file, doc.toString());
}

for (const readme of readmes) {
  const blocks = installBlocks(fs.readFileSync(readme, 'utf8'));
  if (blocks.length === 0)
    throw new Error(`${readme}: no "## Install" section`);
  blocks.forEach(({ lang, body }, i) => {
    const where = `${readme} Install step ${i + 1}`;
    const first = body.split('\n')[0];
    if (lang === 'sh') {
      for (const line of body.split('\n')) {
        if (line.trim().startsWith('yarn ')) yarnAdd(line, where);
      }
      return;
    }
    const code = /^\/\/ (\S+): (.+)$/.exec(first);
    if (code) {
      applyCode(code[1], code[2].trim(), body.slice(first.length + 1), where);
      return;
    }
    const yml = /^# (app-config[\w.-]*\.yaml)/.exec(first);
    if (lang === 'yaml' && yml) mergeYaml(yml[1], body);
  });
  console.log(`apply-readme: followed ${readme}`);
}
