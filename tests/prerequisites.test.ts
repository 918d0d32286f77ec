import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromiumPlan, ensureChromium } from "../tools/local/chromium";
import { ensureRedis, redisPlan, SystemFacts } from "../tools/local/prerequisites";
import { PROJECT_ROOT } from "../stage/stack-files";

function system(overrides: Partial<SystemFacts> & { commands?: string[] } = {}): SystemFacts {
  const commands = overrides.commands ?? ["apt-get"];
  return {
    platform: "linux",
    isRoot: false,
    distro: ["debian"],
    has: (command) => commands.includes(command),
    sudoWithoutPrompt: false,
    noInstall: false,
    ...overrides,
  };
}

const APT_INSTALL = ["apt-get", "install", "-y", "--no-install-recommends", "redis-server"];

describe("pretest: the services the tests need", () => {
  describe("what to do about a missing redis-server", () => {
    it("root on Debian: apt-get update, then installs redis-server without prompts", () => {
      assert.deepEqual(redisPlan(system({ isRoot: true })), {
        action: "install",
        commands: [["apt-get", "update"], APT_INSTALL],
        env: { DEBIAN_FRONTEND: "noninteractive" },
      });
    });

    it("not root, sudo without a password (CI runners): the same through sudo -n", () => {
      const plan = redisPlan(
        system({
          distro: ["ubuntu", "debian"],
          commands: ["apt-get", "sudo"],
          sudoWithoutPrompt: true,
        }),
      );
      assert.equal(plan.action, "install");
      assert.deepEqual(plan.action === "install" && plan.commands, [
        ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "update"],
        ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive", ...APT_INSTALL],
      ]);
    });

    it("not root and sudo would ask for a password, or no sudo: says the command, installs nothing", () => {
      for (const facts of [system({ commands: ["apt-get", "sudo"] }), system()]) {
        assert.deepEqual(redisPlan(facts), {
          action: "tell",
          instruction: "run `sudo apt-get install redis-server` (Debian/Ubuntu)",
        });
      }
    });

    it("MULTISTAGE_NO_INSTALL: says the command even as root", () => {
      assert.deepEqual(redisPlan(system({ isRoot: true, noInstall: true })), {
        action: "tell",
        instruction: "run `apt-get install redis-server` (Debian/Ubuntu)",
      });
    });

    it("macOS, other Linux, Windows: says what to install there", () => {
      assert.deepEqual(redisPlan(system({ platform: "darwin", distro: [], commands: ["brew"] })), {
        action: "tell",
        instruction: "run `brew install redis` (macOS, Homebrew)",
      });
      const fedora = redisPlan(system({ isRoot: true, distro: ["fedora"], commands: ["dnf"] }));
      assert.equal(fedora.action, "tell");
      assert.match(
        fedora.action === "tell" ? fedora.instruction : "",
        /Redis 6 or later .*`redis-server` is on PATH/,
      );
      assert.match(JSON.stringify(redisPlan(system({ platform: "win32", distro: [] }))), /WSL/);
    });
  });

  describe("ensureRedis against a fake package manager", () => {
    let bin: string;
    let savedPath: string | undefined;
    const logged: string[] = [];
    const log = (line: string) => logged.push(line);

    beforeEach(() => {
      bin = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-fakebin-"));
      savedPath = process.env.PATH;
      process.env.PATH = bin; // no real redis-server on it
      logged.length = 0;
    });
    afterEach(() => {
      process.env.PATH = savedPath;
      fs.rmSync(bin, { recursive: true, force: true });
    });

    /** An apt-get that records its calls and, on install, puts a redis-server next to itself. */
    function fakeAptGet(exitCode = 0): void {
      fs.writeFileSync(
        path.join(bin, "apt-get"),
        [
          "#!/bin/sh",
          'echo "$DEBIAN_FRONTEND $*" >> "${0%/*}/calls"',
          `[ ${exitCode} -ne 0 ] && exit ${exitCode}`,
          'if [ "$1" = install ]; then',
          `  printf '#!/bin/sh\\necho "Redis server v=7.0.99 sha=00000000:0"\\n' > "\${0%/*}/redis-server"`,
          '  /bin/chmod +x "${0%/*}/redis-server"',
          "fi",
          "",
        ].join("\n"),
        { mode: 0o755 },
      );
    }
    const calls = () =>
      fs.existsSync(path.join(bin, "calls"))
        ? fs.readFileSync(path.join(bin, "calls"), "utf8").trim().split("\n")
        : [];

    it("installs a missing redis-server where it may, and reports its version", () => {
      fakeAptGet();
      assert.equal(ensureRedis(system({ isRoot: true }), "npm test", log), "7.0.99");
      assert.deepEqual(calls(), [
        "noninteractive update",
        "noninteractive install -y --no-install-recommends redis-server",
      ]);
      assert.match(logged[0], /redis-server is not installed; installing Debian's redis-server/);
      assert.equal(logged.at(-1), "redis-server 7.0.99 installed.");
      const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
      assert.ok(
        readme.includes(`\n${logged[0]}\n$ apt-get update\n`),
        "the README shows what npm test prints when it installs Redis",
      );
    });

    it("does nothing, quietly, when redis-server is there", () => {
      fakeAptGet();
      fs.writeFileSync(
        path.join(bin, "redis-server"),
        '#!/bin/sh\necho "Redis server v=7.2.4 sha=00000000:0"\n',
        { mode: 0o755 },
      );
      assert.equal(ensureRedis(system({ isRoot: true }), "npm test", log), "7.2.4");
      assert.deepEqual(calls(), []);
      assert.deepEqual(logged, []);
    });

    it("stops with one line saying what to install where it may not", () => {
      fakeAptGet();
      assert.throws(
        () => ensureRedis(system({ commands: ["apt-get", "sudo"] }), "npm test", log),
        (error: Error) =>
          error.message ===
          "redis-server is not installed (the app's tests and npm run dev need it): run `sudo apt-get install redis-server` (Debian/Ubuntu), then run npm test again.",
      );
      assert.deepEqual(calls(), []);
    });

    it("a failed install says so, and what to run by hand", () => {
      fakeAptGet(100);
      assert.throws(
        () => ensureRedis(system({ isRoot: true }), "npm test", log),
        (error: Error) =>
          /^apt-get update failed \(exit 100\)\. redis-server is not installed .*run `apt-get install redis-server` \(Debian\/Ubuntu\), then run npm test again\.$/.test(
            error.message,
          ),
      );
      assert.deepEqual(calls(), ["noninteractive update"], "stops at the first failure");
    });
  });

  describe("a headless Chromium for the status page's browser test", () => {
    it("is installed like redis-server: Debian's chromium as root or through sudo -n, otherwise one line saying what to do", () => {
      const install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"];
      assert.deepEqual(chromiumPlan(system({ isRoot: true })), {
        action: "install",
        commands: [["apt-get", "update"], install],
        env: { DEBIAN_FRONTEND: "noninteractive" },
      });
      const viaSudo = chromiumPlan(
        system({ commands: ["apt-get", "sudo"], sudoWithoutPrompt: true }),
      );
      assert.deepEqual(viaSudo.action === "install" && viaSudo.commands[1], [
        "sudo",
        "-n",
        "env",
        "DEBIAN_FRONTEND=noninteractive",
        ...install,
      ]);
      assert.deepEqual(chromiumPlan(system({ isRoot: true, noInstall: true })), {
        action: "tell",
        instruction: "run `apt-get install chromium` (Debian/Ubuntu)",
      });
      assert.match(
        JSON.stringify(chromiumPlan(system({ platform: "darwin", distro: [] }))),
        /brew install --cask chromium.*MULTISTAGE_CHROMIUM/,
      );
    });

    it("installs a missing chromium through a (fake) apt-get, says so as the README shows, and reports its version", () => {
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-fakebin-"));
      const savedPath = process.env.PATH;
      fs.writeFileSync(
        path.join(bin, "apt-get"),
        [
          "#!/bin/sh",
          'echo "$DEBIAN_FRONTEND $*" >> "${0%/*}/calls"',
          'if [ "$1" = install ]; then',
          `  printf '#!/bin/sh\\necho "Chromium 156.0.8078.108 built on Debian"\\n' > "\${0%/*}/chromium"`,
          '  /bin/chmod +x "${0%/*}/chromium"',
          "fi",
          "",
        ].join("\n"),
        { mode: 0o755 },
      );
      const logged: string[] = [];
      try {
        process.env.PATH = bin;
        assert.equal(
          ensureChromium(system({ isRoot: true }), "npm test", (line) => logged.push(line), {}),
          "156.0.8078.108",
        );
      } finally {
        process.env.PATH = savedPath;
      }
      assert.deepEqual(fs.readFileSync(path.join(bin, "calls"), "utf8").trim().split("\n"), [
        "noninteractive update",
        "noninteractive install -y --no-install-recommends chromium",
      ]);
      assert.equal(logged.at(-1), "chromium 156.0.8078.108 installed.");
      const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
      assert.ok(
        readme.includes(`\n${logged[0]}\n$ apt-get update\n`),
        "the README shows what npm test prints when it installs chromium",
      );
      fs.rmSync(bin, { recursive: true, force: true });
    });

    it("MULTISTAGE_CHROMIUM that does not run is named, with what it should be", () => {
      assert.throws(
        () =>
          ensureChromium(system({ isRoot: true }), "npm test", () => undefined, {
            MULTISTAGE_CHROMIUM: "/no/such/chrome",
          }),
        (error: Error) =>
          error.message ===
          "MULTISTAGE_CHROMIUM=/no/such/chrome does not run (`/no/such/chrome --version` failed); expected the path of a Chromium or Chrome binary.",
      );
    });
  });

  it("npm test runs it first, and CI installs nothing of its own", () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    assert.equal(scripts.pretest, "ts-node --swc tools/local/prerequisites.ts");
    const ci = fs.readFileSync(path.join(PROJECT_ROOT, ".ci", "run"), "utf8");
    assert.doesNotMatch(ci, /apt-get|brew/);
    assert.match(ci, /^npm ci$/m);
    assert.match(ci, /^npm test$/m);
  });
});
