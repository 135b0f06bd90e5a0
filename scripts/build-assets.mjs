// Builds the front-end assets from the npm packages into intranet/static/vendor (git-ignored).
// Run by `make assets`; never commit the output.
import { cpSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const nm = join(root, "node_modules");
const out = join(root, "intranet", "static", "vendor");
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "govuk"), { recursive: true });
mkdirSync(join(out, "htmx"), { recursive: true });
mkdirSync(join(out, "scorm-again"), { recursive: true });

const govuk = join(nm, "govuk-frontend", "dist", "govuk");
cpSync(join(govuk, "assets", "images"), join(out, "govuk", "assets", "images"), { recursive: true });
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
cpSync(join(nm, "htmx.org", "dist", "htmx.min.js"), join(out, "htmx", "htmx.min.js"));
// The SCORM runtime APIs the e-learning player puts on the page (API for 1.2, API_1484_11 for 2004).
for (const name of ["scorm12.min.js", "scorm2004.min.js"]) {
  cpSync(join(nm, "scorm-again", "dist", name), join(out, "scorm-again", name));
}
cpSync(join(nm, "scorm-again", "LICENSE"), join(out, "scorm-again", "LICENSE"));

const result = sass.compile(join(root, "intranet", "assets", "app.scss"), {
  loadPaths: [nm],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "color-functions", "slash-div", "if-function"],
});
writeFileSync(join(out, "govuk", "app.css"), result.css);
console.log("assets built into intranet/static/vendor");
