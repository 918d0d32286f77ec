import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { Namer } from "../lib/aws/naming";

export interface AppImageArgs {
  /** Names this stage's resources. */
  namer: Namer;
  /**
   * Build context: the repository root, because the app is an npm workspace whose lockfile
   * lives there.
   * @default "." (Pulumi runs the program from the project directory)
   */
  context?: string;
  /**
   * Dockerfile, relative to the context.
   * @default "app/Dockerfile"
   */
  dockerfile?: string;
  /**
   * Whether destroy may delete the repository with its images.
   * @default true
   */
  forceDelete?: boolean;
  /**
   * CPU architecture of the image; must match the task definition's runtime platform.
   * @default "linux/amd64"
   */
  platform?: string;
}

/** Every documented `@default` of AppImageArgs, in one place; a test checks the TSDoc against them. */
export const APP_IMAGE_DEFAULTS = {
  context: ".",
  dockerfile: "app/Dockerfile",
  forceDelete: true,
  platform: "linux/amd64",
} as const satisfies Partial<AppImageArgs>;

/**
 * Builds `app/` into this stage's own ECR repository. Only lower stages do this; staging and
 * production run a digest that a lower stage already ran.
 */
export class AppImage extends pulumi.ComponentResource {
  /** The pushed image, pinned by digest. */
  readonly imageRef: pulumi.Output<string>;

  constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:app:AppImage", name, {}, opts);
    const child = { parent: this };
    const repository = new aws.ecr.Repository(
      `${name}-repo`,
      {
        name: args.namer.name("ecr-repository", "app"),
        // The stage tag moves with every build; the service always runs the pushed digest.
        imageTagMutability: "MUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        forceDelete: args.forceDelete ?? APP_IMAGE_DEFAULTS.forceDelete,
      },
      child,
    );
    const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, child);
    const image = new docker.Image(
      `${name}-image`,
      {
        // Tagged with the stage the namer names (its stack), not read from the engine: a component
        // knows only its args.
        imageName: pulumi.interpolate`${repository.repositoryUrl}:${args.namer.stage}`,
        build: {
          // Relative paths keep the desired state the same on every machine and checkout.
          context: args.context ?? APP_IMAGE_DEFAULTS.context,
          dockerfile: path.join(
            args.context ?? APP_IMAGE_DEFAULTS.context,
            args.dockerfile ?? APP_IMAGE_DEFAULTS.dockerfile,
          ),
          platform: args.platform ?? APP_IMAGE_DEFAULTS.platform,
        },
        registry: {
          server: repository.repositoryUrl,
          username: auth.userName,
          password: pulumi.secret(auth.password),
        },
      },
      child,
    );
    this.imageRef = image.repoDigest;
    this.registerOutputs({ imageRef: this.imageRef });
  }
}
