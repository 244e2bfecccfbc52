// trunk post_build hook (Trunk.toml, bench/blank/Trunk.toml): minify the wasm-bindgen glue of a
// release build with terser. trunk's own minifier (minify-js) cannot parse the glue
// (`export default`) and ships it as it is: 61 KB, 10.3 KB gzip, against 27 KB and 7.7 KB.
// Export names are kept (the page's bindings, `window.wasmBindings`), and the worker's global.
// Without terser it says so and leaves the glue as it is: the build still works.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir || process.env.TRUNK_PROFILE !== 'release') process.exit(0);
// terser from e2e/ (scripts/setup.sh) or target/serve-tools/ (scripts/serve.sh).
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let minify;
for (const from of ['e2e/package.json', 'target/serve-tools/package.json']) {
  try {
    ({ minify } = createRequire(join(root, from))('terser'));
    break;
  } catch { /* not there */ }
}
if (!minify) {
  console.warn('minify-glue: terser is not installed (scripts/setup.sh or scripts/serve.sh installs it); the glue is left as it is');
  process.exit(0);
}
// The glue trunk generates: NAME.js or NAME-HASH.js beside NAME(-HASH)_bg.wasm.
const listed = readdirSync(dir);
const files = listed.filter((f) => f.endsWith('.js') && listed.includes(f.replace(/\.js$/, '_bg.wasm')));
for (const f of files) {
  const path = join(dir, f);
  const code = readFileSync(path, 'utf8');
  // The page's glue is an ES module; the worker's is a classic script whose global
  // `wasm_bindgen` the worker's loader calls: its top-level names must stay.
  const module = /^export /m.test(code);
  const out = await minify(code, { module, compress: true, mangle: true });
  writeFileSync(path, out.code);
  console.log(`minify-glue: ${f} ${code.length} -> ${out.code.length} bytes`);
}
