// Bundles the browser modules with esbuild: one file per view, minified, with source maps.
import { build } from 'esbuild'
import { readdirSync, existsSync, rmSync } from 'node:fs'

const views = existsSync('src/views')
  ? readdirSync('src/views').filter((f) => f.endsWith('.js')).map((f) => `src/views/${f}`)
  : []

rmSync('static/dist', { recursive: true, force: true })
await build({
  entryPoints: views,
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  sourcemap: true,
  target: ['es2019', 'chrome70', 'safari12', 'firefox68'],
  outdir: 'static/dist',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: false,
  logLevel: 'warning'
})
console.log(`bundled ${views.length} view(s) into web/static/dist`)
