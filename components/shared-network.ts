import * as pulumi from "@pulumi/pulumi";
import { qualifiedStack, requiredOutput } from "./stack-outputs";

export interface SharedNetworkArgs {
  /**
   * Stack whose network outputs are borrowed: a name in this project, or `<org>/<project>/<stack>`.
   * @default "development"
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
    this.sourceStack = qualifiedStack(args.stack ?? "development");
    const source = new pulumi.StackReference(`${name}-source`, { name: this.sourceStack }, { parent: this });
    const required = <T>(key: string) => requiredOutput<T>(source, this.sourceStack, key, "deploy it before any feature stack.");
    this.vpcId = required<string>("vpcId");
    this.publicSubnetIds = required<string[]>("publicSubnetIds");
    this.privateSubnetIds = required<string[]>("privateSubnetIds");
    this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
  }
}
