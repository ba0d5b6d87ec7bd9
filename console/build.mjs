// Bundles the console into server/src/main/resources/console: index.html, console.js, console.css, favicon.svg and
// THIRD-PARTY.txt (the licences of the bundled packages). Same sources and package-lock.json, same bytes: no time
// stamps, no absolute paths, no source maps; CI rebuilds and compares with the committed bundle.

import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'server', 'src', 'main', 'resources', 'console');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: { console: 'src/main.js', 'console-style': 'src/style.css' },
  outdir: out,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
  charset: 'utf8',
  legalComments: 'none',
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
  loader: { '.json': 'json' },
});
// esbuild names a CSS entry after its key; the page links console.css
const css = readFileSync(join(out, 'console-style.css'));
rmSync(join(out, 'console-style.css'));
writeFileSync(join(out, 'console.css'), css);

copyFileSync(join(here, 'src', 'index.html'), join(out, 'index.html'));
copyFileSync(join(here, 'src', 'favicon.svg'), join(out, 'favicon.svg'));

// The licences of every package with code in the bundle, in name order.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) {
    packages.add(match[1]);
  }
}
let notices = 'The Vigil console (console.js, console.css) bundles these packages from the npm registry.\n';
for (const name of [...packages].sort()) {
  const dir = join(here, 'node_modules', name);
  const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).sort().find((f) => /^(licen[cs]e|copying)/i.test(f));
  notices += '\n' + '='.repeat(78) + '\n' + meta.name + ' ' + meta.version + ' (' + (meta.license || 'see below')
    + ')\n' + '='.repeat(78) + '\n\n'
    + (file && existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').trim() + '\n' : '');
}
writeFileSync(join(out, 'THIRD-PARTY.txt'), notices);

for (const file of readdirSync(out).sort()) {
  console.log(file.padEnd(18) + String(readFileSync(join(out, file)).length).padStart(9) + ' bytes');
}
