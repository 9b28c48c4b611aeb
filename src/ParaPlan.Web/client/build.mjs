// Builds the browser client: src/main.js -> dist/app.js, src/app.css -> dist/app.css, src/index.html -> dist/index.html.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

const common = { bundle: true, minify: true, logLevel: 'warning', legalComments: 'none' };
await build({
  ...common,
  entryPoints: [join(src, 'main.js')],
  outfile: join(dist, 'app.js'),
  format: 'iife',
  target: ['es2020'],
  platform: 'browser',
});
await build({ ...common, entryPoints: [join(src, 'app.css')], outfile: join(dist, 'app.css') });
await copyFile(join(src, 'index.html'), join(dist, 'index.html'));
console.log('built dist/index.html, dist/app.js, dist/app.css');
