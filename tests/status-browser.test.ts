/**
 * `stagectl status --html` in a real browser: Debian's Chromium (installed by `pretest`,
 * tools/local/chromium.ts) opens the page headless, dumps the DOM it built and takes a
 * screenshot, which pngjs decodes: the page must render one column per stage, side by side.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PNG } from "pngjs";
import { chromiumBinary, chromiumVersion } from "../tools/local/chromium";
import { statusToHtml } from "../tools/status/render-html";
import { pipelineStatus } from "../tools/status/status";
import { testContext } from "./helpers/context";
import { linearGit, pipeline } from "./helpers/status-fixtures";

const WIDTH = 1200;
const HEIGHT = 800;

/** Runs headless Chromium on a file; root needs --no-sandbox (Chromium refuses its sandbox as root). */
function chromium(args: string[], profile: string): string {
  const result = spawnSync(
    chromiumBinary(),
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--no-first-run",
      `--user-data-dir=${profile}`,
      ...args,
    ],
    { encoding: "utf8", timeout: 120_000 },
  );
  assert.equal(
    result.status,
    0,
    `chromium ${args.join(" ")} failed: ${result.error?.message ?? result.stderr}`,
  );
  return result.stdout;
}

describe("stagectl status --html in headless Chromium", function () {
  this.timeout(240_000);
  let dir: string;
  let page: string;

  before(async () => {
    assert.ok(
      chromiumVersion(),
      `no Chromium at ${chromiumBinary()}: npm test's pretest installs Debian's chromium (tools/local/chromium.ts), or set MULTISTAGE_CHROMIUM`,
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-status-browser-"));
    page = path.join(dir, "status.html");
    // The fixture's commits are in a fake history (the command reads this checkout's real one).
    const doc = await pipelineStatus(testContext(pipeline()), {
      reviewsDir: dir,
      deployments: 10,
      git: linearGit(),
    });
    fs.writeFileSync(page, statusToHtml(doc));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("builds one column per stage, in promotion order, with staging's waiting commits in its column", () => {
    const dom = chromium(["--dump-dom", `file://${page}`], path.join(dir, "profile-dom"));
    const columns = [...dom.matchAll(/<article class="stage" data-stage="([^"]+)">/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(columns, ["development", "staging", "production"]);
    const staging = dom.slice(
      dom.indexOf('data-stage="staging"'),
      dom.indexOf('data-stage="production"'),
    );
    assert.equal((staging.match(/<li>/g) ?? []).length, 3, staging);
    assert.match(
      dom.slice(dom.indexOf('data-stage="production"')),
      /class="unknown">unknown: production is not in the backend yet/,
    );
  });

  it("renders them side by side: a PNG of the window's size, each third of it drawn on, not blank", () => {
    const shot = path.join(dir, "status.png");
    chromium(
      [`--screenshot=${shot}`, `--window-size=${WIDTH},${HEIGHT}`, `file://${page}`],
      path.join(dir, "profile-shot"),
    );
    const png = PNG.sync.read(fs.readFileSync(shot));
    assert.equal(png.width, WIDTH);
    assert.equal(png.height, HEIGHT);
    const pixel = (x: number, y: number) => {
      const i = (y * png.width + x) * 4;
      return `${png.data[i]},${png.data[i + 1]},${png.data[i + 2]}`;
    };
    // The body's background (#f4f5f7), at the top-left corner, which no column covers.
    const background = pixel(2, 2);
    assert.equal(background, "244,245,247");
    // Each column's own third of the window, below the header: the stage's coloured title bar
    // and its white card must differ from the background in many pixels.
    for (let column = 0; column < 3; column++) {
      const colours = new Set<string>();
      let drawn = 0;
      for (
        let x = Math.round((column * WIDTH) / 3) + 30;
        x < Math.round(((column + 1) * WIDTH) / 3) - 30;
        x += 4
      ) {
        for (let y = 80; y < 400; y += 4) {
          const p = pixel(x, y);
          colours.add(p);
          if (p !== background) drawn++;
        }
      }
      assert.ok(drawn > 1000, `column ${column + 1} has only ${drawn} drawn pixels`);
      assert.ok(colours.size > 3, `column ${column + 1} is one flat colour`);
    }
    // Down the middle of each column, the first colour that is neither background, card white
    // nor border grey is its title bar, in its kind's colour (render-html.ts KIND_COLOUR).
    const plain = new Set([background, "255,255,255", "208,212,218"]);
    const titleBars = [0, 1, 2].map((column) => {
      const x = Math.round(((column + 0.5) * WIDTH) / 3);
      for (let y = 40; y < 400; y++) if (!plain.has(pixel(x, y))) return pixel(x, y);
      return "none";
    });
    assert.deepEqual(titleBars, ["46,125,50", "239,108,0", "198,40,40"]);
  });
});
