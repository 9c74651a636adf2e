// node scripts/_tmp-variant.mjs OUTROOT MODE   (MODE: single | staticstart)
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync, symlinkSync, readFileSync, writeFileSync } from 'node:fs';
const [out, mode] = process.argv.slice(2);
rmSync(out, { recursive: true, force: true }); mkdirSync(out, { recursive: true });
for (const p of ['bin', 'dist', 'package.json']) cpSync(p, `${out}/${p}`, { recursive: true });
symlinkSync('/work/wt/zk-start/node_modules', `${out}/node_modules`);
const entry = `${out}/dist/src/cli/zookeeper-server-start-main.js`;
if (mode === 'staticstart') {
  let s = readFileSync(entry, 'utf8');
  s = s.replace("import { bindClientPort } from '../zookeeper/server/client-port.js';", "import { bindClientPort } from '../zookeeper/server/client-port.js';\nimport * as __start from '../zookeeper/server/start.js';\nimport * as __fg from './foreground.js';\nimport * as __daemon from './daemon.js';");
  s = s.replace("replicated ? null : import('../zookeeper/server/start.js').then((m) => m.startZooKeeperServer)", "replicated ? null : __start.startZooKeeperServer");
  s = s.replace("import('./foreground.js')", "__fg").replace("import('./daemon.js')", "__daemon");
  writeFileSync(entry, s);
}
for (const f of ['zookeeper-server-start-main.js']) rmSync(`${out}/dist/bundle/${f}`);
const r = await build({
  absWorkingDir: out, entryPoints: ['dist/src/cli/zookeeper-server-start-main.js'], outdir: `${out}/dist/bundle`, entryNames: '[name]', chunkNames: 'chunks/zk-[name]-[hash]',
  bundle: true, splitting: mode !== 'single', format: 'esm', platform: 'node', target: 'node20',
  plugins: [{ name: 'ext', setup(b) { b.onResolve({ filter: /^[^./]/ }, (a) => a.path.startsWith('ini') ? undefined : { path: a.path, external: true }); } }],
  sourcemap: 'linked', sourcesContent: false, logLevel: 'warning', metafile: true,
});
console.log(Object.entries(r.metafile.outputs).filter(([k]) => k.endsWith('.js')).map(([k, v]) => `${k.replace(out, '')} ${v.bytes}`).join('\n'));
