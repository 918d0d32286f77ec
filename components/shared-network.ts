import * as pulumi from "@pulumi/pulumi";

export interface SharedNetworkArgs {
  /**
   * Fully qualified stack (`<org>/<project>/<stack>`) whose network outputs are borrowed.
   * @default `<current org>/<current project>/development`
   */
  stack?: string;
}

/**
 * A network borrowed from another stack's outputs, so feature stacks pay for no VPC or NAT
 * of their own. The owning stack must export vpcId, publicSubnetIds and privateSubnetIds.
 */
export class SharedNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly sourceStack: string;

  constructor(name: string, args: SharedNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("multistage:network:SharedNetwork", name, {}, opts);
    this.sourceStack = args.stack ?? `${pulumi.getOrganization()}/${pulumi.getProject()}/development`;
    const source = new pulumi.StackReference(`${name}-source`, { name: this.sourceStack }, { parent: this });
    const required = (key: string) =>
      source.getOutput(key).apply((value) => {
        if (value === undefined) {
          throw new Error(`Stack ${this.sourceStack} has no output "${key}"; deploy it before any feature stack.`);
        }
        return value;
      });
    this.vpcId = required("vpcId") as pulumi.Output<string>;
    this.publicSubnetIds = required("publicSubnetIds") as pulumi.Output<string[]>;
    this.privateSubnetIds = required("privateSubnetIds") as pulumi.Output<string[]>;
    this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
  }
}
