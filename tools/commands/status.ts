import { Command, InvalidArgumentError } from "commander";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stage/stack-files";
import { gitHistoryAt } from "../status/git-history";
import { statusToHtml } from "../status/render-html";
import { statusToMarkdown } from "../status/render-markdown";
import { statusToText } from "../status/render-text";
import { pipelineStatus } from "../status/status";
import type { CommandContext } from "./context";
import { runCommand, UsageError } from "./run-command";

const MAX_DEPLOYMENTS = 1000;

function deploymentCount(value: string): number {
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_DEPLOYMENTS) {
    throw new InvalidArgumentError(
      `got ${JSON.stringify(value)}; expected a whole number of production deployments from 1 to ${MAX_DEPLOYMENTS}`,
    );
  }
  return Number(value);
}

/** The page's file: its directory must exist, and it must not be a directory itself. */
function htmlTarget(file: string): string {
  const resolved = path.resolve(file);
  if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory())
    throw new UsageError(
      `--html ${file} is a directory; expected the path of the HTML file to write, e.g. status.html`,
    );
  if (!fs.existsSync(path.dirname(resolved)))
    throw new UsageError(
      `--html ${file}: the directory ${path.dirname(resolved)} does not exist; expected the path of the HTML file to write in an existing directory`,
    );
  return resolved;
}

function reviewsDir(dir: string): string {
  const resolved = path.resolve(dir);
  if (!fs.existsSync(resolved) || !fs.statSync(resolved).isDirectory())
    throw new UsageError(
      `--reviews ${dir} is not a directory; expected the directory holding promotion review records (*.plan.json.meta.json), e.g. .`,
    );
  return resolved;
}

/** `stagectl status`: each stage's image, commit, last deployment, lag and pending review; lead time; feature stacks. */
export function statusCommand(context: CommandContext): Command {
  return new Command("status")
    .description(
      "the pipeline at a glance: what each stage runs, since when, how far behind the stage below, lead time, feature stacks",
    )
    .option("--json", "print the status as JSON")
    .option("--markdown", "print the status as Markdown (for $GITHUB_STEP_SUMMARY)")
    .option("--html <file>", "also write a self-contained HTML page with the stages as columns")
    .option(
      "--reviews <dir>",
      "where promotion review records (*.plan.json.meta.json) are looked for",
      ".",
    )
    .option(
      "--deployments <n>",
      "how many production deployments the median lead time covers",
      deploymentCount,
      10,
    )
    .action(
      (options: {
        json?: boolean;
        markdown?: boolean;
        html?: string;
        reviews: string;
        deployments: number;
      }) =>
        runCommand(context, async () => {
          if (options.json && options.markdown)
            throw new UsageError(
              "--json and --markdown both given; choose one format for stdout (--html writes a file besides either)",
            );
          const html = options.html === undefined ? undefined : htmlTarget(options.html);
          const doc = await pipelineStatus(context, {
            reviewsDir: reviewsDir(options.reviews),
            deployments: options.deployments,
            git: gitHistoryAt(PROJECT_ROOT),
          });
          if (html) {
            fs.writeFileSync(html, statusToHtml(doc));
            context.stderr(`HTML status page written to ${html}\n`);
          }
          context.stdout(
            options.json
              ? `${JSON.stringify(doc, null, 2)}\n`
              : options.markdown
                ? statusToMarkdown(doc)
                : statusToText(doc),
          );
        }),
    );
}
