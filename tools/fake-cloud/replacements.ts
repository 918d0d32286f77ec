/**
 * Which input changes AWS cannot make in place, for every type this project registers: a
 * change to one of these makes the fake's `diff` answer "replace", as the real provider does.
 *
 * pulumi-aws (7.x) is bridged from terraform-provider-aws; the bridge turns an attribute marked
 * `ForceNew: true` (or, in plugin-framework resources, a `RequiresReplace()` plan modifier) into
 * a replacement. Each entry names the terraform-provider-aws file whose schema says so; the
 * attributes are given in Pulumi's camelCase. "checked" means the schema was read at the commit
 * named (the index of public sources holds older commits than the provider 7.48.0 bridges, so an
 * attribute made updatable since then would be listed here wrongly: such a fake replacement
 * shows up as an unexpected replace in a test, never as a hidden one).
 *
 * `autoName`: the property the provider fills in when the program leaves it out (pulumi-aws
 * resources.go AutoName); a replacement of a resource whose name was set by the program and
 * stays the same must delete the old one first, since AWS refuses two of the same name
 * (pulumi-terraform-bridge pkg/tfbridge/schema.go, nameRequiresDeleteBeforeReplace).
 */
export interface ReplacementRule {
  /** Input properties whose change forces a new resource. */
  replaceOnChanges: readonly string[];
  /** The name property the provider autonames, if the type has one. */
  autoName?: string;
  source: string;
}

const TF = "terraform-provider-aws internal/service";

export const REPLACEMENTS: Readonly<Record<string, ReplacementRule>> = {
  "aws:rds/instance:Instance": {
    replaceOnChanges: [
      "identifier",
      "identifierPrefix",
      "engine",
      "dbName",
      "username",
      "snapshotIdentifier",
      "storageEncrypted",
      "kmsKeyId",
      "availabilityZone",
      "characterSetName",
      "ncharCharacterSetName",
      "timezone",
      "restoreToPointInTime",
      "customIamInstanceProfile",
    ],
    autoName: "identifier",
    source: `${TF}/rds/instance.go, ResourceInstance schema (checked at 552c046 and 00e4b23): ForceNew on identifier, identifier_prefix, engine, db_name, username, snapshot_identifier, storage_encrypted, kms_key_id, availability_zone, character_set_name, nchar_character_set_name, timezone, restore_to_point_in_time, custom_iam_instance_profile; instance_class, engine_version, db_subnet_group_name, parameter_group_name, multi_az, password, deletion_protection and replicate_source_db are modified in place`,
  },
  "aws:rds/subnetGroup:SubnetGroup": {
    replaceOnChanges: ["name", "namePrefix"],
    autoName: "name",
    source: `${TF}/rds/subnet_group.go: ForceNew on name, name_prefix; subnet_ids and description are modified in place`,
  },
  "aws:rds/parameterGroup:ParameterGroup": {
    replaceOnChanges: ["name", "namePrefix", "family", "description"],
    autoName: "name",
    source: `${TF}/rds/parameter_group.go: ForceNew on name, name_prefix, family, description; parameters are modified in place`,
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    replaceOnChanges: [
      "replicationGroupId",
      "engine",
      "port",
      "subnetGroupName",
      "atRestEncryptionEnabled",
      "transitEncryptionEnabled",
      "kmsKeyId",
      "availabilityZones",
      "dataTieringEnabled",
      "globalReplicationGroupId",
      "securityGroupNames",
      "snapshotArns",
      "snapshotName",
    ],
    autoName: "replicationGroupId",
    source: `${TF}/elasticache/replication_group.go, ResourceReplicationGroup schema (checked at 16a38e6): ForceNew on replication_group_id, engine, port, subnet_group_name, at_rest_encryption_enabled, transit_encryption_enabled, kms_key_id, availability_zones, data_tiering_enabled, global_replication_group_id, security_group_names, snapshot_arns, snapshot_name; node_type, num_cache_clusters, auth_token, engine_version and security_group_ids are modified in place`,
  },
  "aws:elasticache/subnetGroup:SubnetGroup": {
    replaceOnChanges: ["name"],
    autoName: "name",
    source: `${TF}/elasticache/subnet_group.go: ForceNew on name; subnet_ids and description are modified in place`,
  },
  "aws:elasticache/serverlessCache:ServerlessCache": {
    replaceOnChanges: [
      "engine",
      "kmsKeyId",
      "majorEngineVersion",
      "name",
      "snapshotArnsToRestore",
      "subnetIds",
    ],
    source: `${TF}/elasticache/serverless_cache.go, serverlessCacheResource.Schema (checked at 00a919d): RequiresReplace on engine, kms_key_id, major_engine_version, name, snapshot_arns_to_restore, subnet_ids; description, cache_usage_limits, security_group_ids, snapshot_retention_limit, daily_snapshot_time and user_group_id are modified in place (ModifyServerlessCache)`,
  },
  "aws:elasticache/user:User": {
    replaceOnChanges: ["engine", "userId", "userName"],
    source: `${TF}/elasticache/user.go, ResourceUser (checked at 0b2fe55): ForceNew on engine, user_name; user_id is the user's identifier, which ModifyUser takes and never changes (ForceNew in later releases); access_string, passwords and no_password_required are modified in place (ModifyUser)`,
  },
  "aws:elasticache/userGroup:UserGroup": {
    replaceOnChanges: ["engine", "userGroupId"],
    source: `${TF}/elasticache/user_group.go, ResourceUserGroup (checked at 16a38e6): ForceNew on engine; user_group_id is the group's identifier, which ModifyUserGroup takes and never changes (ForceNew in later releases); user_ids are modified in place (UserIdsToAdd, UserIdsToRemove)`,
  },
  "aws:s3/bucket:Bucket": {
    replaceOnChanges: ["bucket", "bucketPrefix", "objectLockEnabled"],
    autoName: "bucket",
    source: `${TF}/s3/bucket.go: ForceNew on bucket, bucket_prefix, object_lock_enabled; force_destroy lives in state only`,
  },
  // The bucket's configuration resources: each belongs to one bucket for good.
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
    replaceOnChanges: ["bucket"],
    source: `${TF}/s3/bucket_public_access_block.go: ForceNew on bucket`,
  },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
    replaceOnChanges: ["bucket"],
    source: `${TF}/s3/bucket_ownership_controls.go: ForceNew on bucket`,
  },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
    replaceOnChanges: ["bucket", "expectedBucketOwner"],
    source: `${TF}/s3/bucket_server_side_encryption_configuration.go: ForceNew on bucket, expected_bucket_owner`,
  },
  "aws:s3/bucketVersioning:BucketVersioning": {
    replaceOnChanges: ["bucket", "expectedBucketOwner"],
    source: `${TF}/s3/bucket_versioning.go: ForceNew on bucket, expected_bucket_owner`,
  },
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
    replaceOnChanges: ["bucket", "expectedBucketOwner"],
    source: `${TF}/s3/bucket_lifecycle_configuration.go: RequiresReplace on bucket, expected_bucket_owner`,
  },
  "aws:s3/bucketLogging:BucketLogging": {
    replaceOnChanges: ["bucket", "expectedBucketOwner"],
    source: `${TF}/s3/bucket_logging.go: ForceNew on bucket, expected_bucket_owner; target bucket, prefix and grants are updated in place`,
  },
  "aws:s3/bucketPolicy:BucketPolicy": {
    replaceOnChanges: ["bucket"],
    source: `${TF}/s3/bucket_policy.go: ForceNew on bucket; policy is modified in place`,
  },
  "aws:ec2/vpc:Vpc": {
    replaceOnChanges: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
    source: `${TF}/ec2/vpc_.go: ForceNew on cidr_block, ipv4_ipam_pool_id, ipv4_netmask_length; DNS settings and tags are modified in place`,
  },
  "aws:ec2/subnet:Subnet": {
    replaceOnChanges: [
      "vpcId",
      "cidrBlock",
      "availabilityZone",
      "availabilityZoneId",
      "outpostArn",
    ],
    source: `${TF}/ec2/vpc_subnet.go: ForceNew on vpc_id, cidr_block, availability_zone, availability_zone_id, outpost_arn; map_public_ip_on_launch is modified in place`,
  },
  "aws:ec2/internetGateway:InternetGateway": {
    replaceOnChanges: [],
    source: `${TF}/ec2/vpc_internet_gateway.go: nothing ForceNew (vpc_id detaches and attaches in place)`,
  },
  "aws:ec2/routeTable:RouteTable": {
    replaceOnChanges: ["vpcId"],
    source: `${TF}/ec2/vpc_route_table.go: ForceNew on vpc_id; routes are modified in place`,
  },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": {
    replaceOnChanges: ["subnetId", "gatewayId"],
    source: `${TF}/ec2/vpc_route_table_association.go: ForceNew on subnet_id, gateway_id; route_table_id is replaced in place (ReplaceRouteTableAssociation)`,
  },
  "aws:ec2/eip:Eip": {
    replaceOnChanges: [
      "domain",
      "vpc",
      "address",
      "networkBorderGroup",
      "publicIpv4Pool",
      "customerOwnedIpv4Pool",
    ],
    source: `${TF}/ec2/ec2_eip.go: ForceNew on domain, vpc, address, network_border_group, public_ipv4_pool, customer_owned_ipv4_pool`,
  },
  "aws:ec2/natGateway:NatGateway": {
    replaceOnChanges: ["allocationId", "subnetId", "connectivityType", "privateIp"],
    source: `${TF}/ec2/vpc_nat_gateway.go: ForceNew on allocation_id, subnet_id, connectivity_type, private_ip`,
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    replaceOnChanges: ["name", "namePrefix", "description", "vpcId"],
    autoName: "name",
    source: `${TF}/ec2/vpc_security_group.go: ForceNew on name, name_prefix, description, vpc_id`,
  },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
    replaceOnChanges: ["securityGroupId"],
    source: `${TF}/ec2/vpc_security_group_ingress_rule.go (plugin framework): RequiresReplace on security_group_id; the rule itself is modified in place (ModifySecurityGroupRules)`,
  },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
    replaceOnChanges: ["securityGroupId"],
    source: `${TF}/ec2/vpc_security_group_egress_rule.go (plugin framework, shares the ingress rule's schema): RequiresReplace on security_group_id`,
  },
  "aws:ecr/repository:Repository": {
    replaceOnChanges: ["name", "encryptionConfigurations"],
    autoName: "name",
    source: `${TF}/ecr/repository.go: ForceNew on name, encryption_configuration; image_tag_mutability and scanning are modified in place`,
  },
  "aws:ecs/cluster:Cluster": {
    replaceOnChanges: ["name"],
    autoName: "name",
    source: `${TF}/ecs/cluster.go: ForceNew on name; settings are modified in place`,
  },
  "aws:ecs/service:Service": {
    replaceOnChanges: [
      "name",
      "cluster",
      "iamRole",
      "launchType",
      "schedulingStrategy",
      "deploymentController",
    ],
    autoName: "name",
    source: `${TF}/ecs/service.go: ForceNew on name, cluster, iam_role, launch_type, scheduling_strategy, deployment_controller; task_definition, desired_count, network_configuration and load_balancer are modified in place (UpdateService)`,
  },
  "aws:ecs/taskDefinition:TaskDefinition": {
    // Task definitions are immutable: every change registers a new revision.
    replaceOnChanges: [
      "family",
      "containerDefinitions",
      "cpu",
      "memory",
      "networkMode",
      "executionRoleArn",
      "taskRoleArn",
      "requiresCompatibilities",
      "runtimePlatform",
      "volumes",
      "placementConstraints",
      "pidMode",
      "ipcMode",
      "proxyConfiguration",
      "ephemeralStorage",
      "inferenceAccelerators",
    ],
    source: `${TF}/ecs/task_definition.go: every argument but tags, skip_destroy and track_latest is ForceNew`,
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    replaceOnChanges: ["name", "namePrefix", "logGroupClass"],
    autoName: "name",
    source: `${TF}/logs/group.go: ForceNew on name, name_prefix, log_group_class; retention_in_days and kms_key_id are modified in place`,
  },
  "aws:iam/role:Role": {
    replaceOnChanges: ["name", "namePrefix", "path"],
    autoName: "name",
    source: `${TF}/iam/role.go: ForceNew on name, name_prefix, path; assume_role_policy, description, permissions_boundary and max_session_duration are modified in place`,
  },
  "aws:iam/rolePolicy:RolePolicy": {
    replaceOnChanges: ["name", "namePrefix", "role"],
    autoName: "name",
    source: `${TF}/iam/role_policy.go: ForceNew on name, name_prefix, role; policy is modified in place (PutRolePolicy)`,
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    replaceOnChanges: [
      "name",
      "namePrefix",
      "internal",
      "loadBalancerType",
      "customerOwnedIpv4Pool",
    ],
    autoName: "name",
    source: `${TF}/elbv2/load_balancer.go: ForceNew on name, name_prefix, internal, load_balancer_type, customer_owned_ipv4_pool; an application load balancer's subnets and security groups are modified in place`,
  },
  "aws:lb/targetGroup:TargetGroup": {
    replaceOnChanges: [
      "name",
      "namePrefix",
      "port",
      "protocol",
      "protocolVersion",
      "vpcId",
      "targetType",
      "ipAddressType",
    ],
    autoName: "name",
    source: `${TF}/elbv2/target_group.go: ForceNew on name, name_prefix, port, protocol, protocol_version, vpc_id, target_type, ip_address_type; health checks and deregistration_delay are modified in place`,
  },
  "aws:lb/listener:Listener": {
    replaceOnChanges: ["loadBalancerArn"],
    source: `${TF}/elbv2/listener.go: ForceNew on load_balancer_arn; port, protocol, certificate and actions are modified in place`,
  },
  "aws:lb/listenerRule:ListenerRule": {
    replaceOnChanges: ["listenerArn"],
    source: `${TF}/elbv2/listener_rule.go: ForceNew on listener_arn; priority, conditions and actions are modified in place (SetRulePriorities, ModifyRule)`,
  },
  "aws:lb/listenerCertificate:ListenerCertificate": {
    replaceOnChanges: ["listenerArn", "certificateArn"],
    source: `${TF}/elbv2/listener_certificate.go: ForceNew on listener_arn and certificate_arn (the resource has no update)`,
  },
  "aws:route53/record:Record": {
    replaceOnChanges: ["zoneId", "name", "type"],
    source: `${TF}/route53/record.go: ForceNew on zone_id, name; a change of type replaces the record set too (CustomizeDiff)`,
  },
  "aws:scheduler/schedule:Schedule": {
    replaceOnChanges: ["name", "namePrefix", "groupName"],
    autoName: "name",
    source: `${TF}/scheduler/schedule.go: ForceNew on name, name_prefix, group_name; expression, target and window are modified in place`,
  },
  "aws:sfn/stateMachine:StateMachine": {
    replaceOnChanges: ["name", "namePrefix", "type"],
    autoName: "name",
    source: `${TF}/sfn/state_machine.go: ForceNew on name, name_prefix, type; definition, role_arn, logging and tracing configuration are modified in place (UpdateStateMachine)`,
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    replaceOnChanges: ["name"],
    autoName: "name",
    source: `${TF}/cloudwatch/metric_alarm.go: ForceNew on alarm_name (read in an older resourceAwsCloudWatchMetricAlarm schema: alarm_name Required, ForceNew); every other field is PutMetricAlarm again, in place`,
  },
  "aws:secretsmanager/secret:Secret": {
    replaceOnChanges: ["name", "namePrefix"],
    autoName: "name",
    source: `${TF}/secretsmanager/secret.go: ForceNew on name, name_prefix; description, kms_key_id, policy and recovery_window_in_days are modified in place`,
  },
  "aws:secretsmanager/secretVersion:SecretVersion": {
    replaceOnChanges: ["secretId", "secretString", "secretBinary"],
    source: `${TF}/secretsmanager/secret_version.go: ForceNew on secret_id, secret_string, secret_binary (a new value is a new version)`,
  },
  "random:index/randomPassword:RandomPassword": {
    replaceOnChanges: [
      "length",
      "special",
      "upper",
      "lower",
      "number",
      "numeric",
      "minNumeric",
      "minUpper",
      "minLower",
      "minSpecial",
      "overrideSpecial",
      "keepers",
    ],
    source:
      "terraform-provider-random internal/provider/resource_password.go: RequiresReplace on every argument (a password is never changed, only made anew)",
  },
  "docker:index/image:Image": {
    replaceOnChanges: [],
    source:
      "pulumi-docker provider/image.go, Diff: every change is an update (a new build and push), never a replacement",
  },
};

export function replacementRule(type: string): ReplacementRule {
  const rule = REPLACEMENTS[type];
  if (!rule) {
    throw new Error(
      `The fake cloud does not know which properties of ${type} force a replacement; add it to tools/fake-cloud/replacements.ts with its source`,
    );
  }
  return rule;
}
