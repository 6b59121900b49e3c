// Builds the query editor and the result views into server/static/workbench/, with the licences of everything
// bundled, and copies axe-core for the accessibility tests into tests/vendor/. Run `npm ci && npm run build`
// here; the output is committed, so serving and testing need no npm.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";

const OUT = "../server/static/workbench";
const require = createRequire(import.meta.url);

// The chunks' names carry a hash of their content: remove the previous build's, so none is left behind.
for (const file of existsSync(OUT) ? readdirSync(OUT) : []) {
  if (file.endsWith(".js")) rmSync(join(OUT, file));
}

const result = await esbuild.build({
  entryPoints: { editor: "src/editor.js", views: "src/views.js", workbench: "src/workbench.css" },
  outdir: OUT,
  bundle: true,
  minify: true,
  format: "esm", // module scripts, so that views.js can load the map and the charts when they are shown
  splitting: true,
  chunkNames: "[name]-[hash]",
  target: ["es2020"],
  legalComments: "none", // the licences are in LICENSES.txt next to the bundles
  loader: { ".png": "file", ".svg": "file" },
  assetNames: "[name]",
  metafile: true,
  logLevel: "warning",
});

// Every npm package that ended up in a bundle, with its licence text.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
  if (match) packages.set(match[2], match[1]);
}
const notices = [...packages.keys()].sort().map((name) => {
  const folder = packages.get(name);
  const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const file = ["LICENSE", "LICENSE.md", "LICENSE.txt", "license"].map((f) => join(folder, f)).find(existsSync);
  return `${name} ${meta.version} (${meta.license})\n\n${file ? readFileSync(file, "utf8").trim() : ""}\n`;
});
writeFileSync(join(OUT, "LICENSES.txt"),
  `Third-party code bundled into editor.js, views.js, their chunks and workbench.css (built by frontend/build.mjs)\n\n${notices.join("\n" + "-".repeat(72) + "\n\n")}`);

mkdirSync("../tests/vendor", { recursive: true });
const axe = dirname(require.resolve("axe-core/package.json"));
copyFileSync(join(axe, "axe.min.js"), "../tests/vendor/axe.min.js");
copyFileSync(join(axe, "LICENSE"), "../tests/vendor/axe-core.LICENSE");

for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) {
  const gzipped = gzipSync(readFileSync(file), { level: 9 }).length;
  console.log(`${file.replace("../", "")}: ${bytes.toLocaleString("en")} bytes, ${gzipped.toLocaleString("en")} gzipped`);
}
