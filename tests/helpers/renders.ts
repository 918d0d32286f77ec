import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { PROJECT_ROOT } from "../../stage/stack-files";
import {
  RenderedResource,
  renderStack,
  RenderFailure,
  RenderOptions,
  RenderWithSecrets,
} from "../../tools/render/harness";

export const LONG_LIVED_STACKS = ["development", "staging", "production"] as const;

const cache = new Map<string, Promise<RenderWithSecrets>>();

/** Renders a shipped stack once per test run; tests only read the result. */
export function shippedRender(stack: string): Promise<RenderWithSecrets> {
  let render = cache.get(stack);
  if (!render) {
    render = renderStack(stack);
    cache.set(stack, render);
  }
  return render;
}

/** Writes a stack file with the given config into a fresh directory beside a copy of Pulumi.yaml. */
export function tempStackFile(
  stack: string,
  config: Record<string, unknown>,
): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "multistage-test-"));
  fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, stringify({ config }));
  return { dir, file };
}

/** Renders a stack from an ad-hoc config (keys without the project prefix get it added). */
export function renderWithConfig(
  stack: string,
  config: Record<string, unknown>,
  options: RenderOptions = {},
): Promise<RenderWithSecrets> {
  const { dir } = tempStackFile(stack, config);
  return renderStack(stack, { ...options, configDir: dir });
}

/** Expects a render to fail; returns the failure. */
export async function expectRenderFailure(promise: Promise<unknown>): Promise<RenderFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RenderFailure) return error;
    throw error;
  }
  throw new Error("expected the render to fail, but it succeeded");
}

export function ofType(resources: RenderedResource[], type: string): RenderedResource[] {
  return resources.filter((r) => r.type === type);
}

export function onlyOfType(resources: RenderedResource[], type: string): RenderedResource {
  const found = ofType(resources, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0];
}

/**
 * The stage's own RDS instance: development also renders its feature host (`env-feature-host-*`),
 * which holds feature stacks' databases, not the stage's.
 */
export function stageDatabase(resources: RenderedResource[]): RenderedResource {
  const own = ofType(resources, TYPES.db).filter((r) => r.name.startsWith("env-db-instance"));
  if (own.length !== 1) throw new Error(`expected exactly one stage database, found ${own.length}`);
  return own[0];
}

/** Every resource of the stage's own data stores, leaving out development's feature host. */
export function withoutFeatureHost(resources: RenderedResource[]): RenderedResource[] {
  return resources.filter((r) => !r.name.startsWith("env-feature-host"));
}

export const TYPES = {
  bucket: "aws:s3/bucket:Bucket",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  db: "aws:rds/instance:Instance",
  cache: "aws:elasticache/replicationGroup:ReplicationGroup",
  service: "aws:ecs/service:Service",
  taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  secret: "aws:secretsmanager/secret:Secret",
  subnet: "aws:ec2/subnet:Subnet",
  vpc: "aws:ec2/vpc:Vpc",
  nat: "aws:ec2/natGateway:NatGateway",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  listener: "aws:lb/listener:Listener",
} as const;

/** Fixed digest-pinned image for ad-hoc staging/production configs. */
export const PINNED_IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/multistage-app@sha256:${"a".repeat(64)}`;

/** The resource with this logical name (names do not carry the stage, so they work in every stack). */
export function named(resources: RenderedResource[], name: string): RenderedResource {
  const found = resources.filter((r) => r.name === name);
  if (found.length !== 1)
    throw new Error(`expected exactly one resource named ${name}, found ${found.length}`);
  return found[0];
}

/** The app container of the app's task definition (an init container may come first). */
export function appContainer<T = Record<string, unknown>>(resources: RenderedResource[]): T {
  const containers = named(resources, "env-app-task").inputs.containerDefinitions as Array<{
    name: string;
  }>;
  const app = containers.find((c) => c.name === "app");
  if (!app) throw new Error("the task definition has no app container");
  return app as T;
}

/** The access settings a staging or production stack must carry (placeholder account). */
export function accessFor(stage: string): {
  deployerRoleArn: string;
  permissionsBoundaryArn: string;
} {
  return {
    deployerRoleArn: `arn:aws:iam::123456789012:role/multistage-access-${stage}-deployer`,
    permissionsBoundaryArn: `arn:aws:iam::123456789012:policy/multistage-access-${stage}-boundary`,
  };
}

/** Runs a render once, however many tests read it (renders are the slow part of the suite). */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}
