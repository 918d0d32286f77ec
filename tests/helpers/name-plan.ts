import { NamedResourceType } from "../../lib/aws/naming";

/**
 * Every (type, purpose) pair the components name resources with. The feature render test
 * proves this list covers every physical name a rendered stack holds, so it cannot go stale.
 */
export const NAME_PLAN: ReadonlyArray<[NamedResourceType, string]> = [
  ["alb", ""],
  ["target-group", ""],
  ["security-group", "alb"],
  ["security-group", "app"],
  ["security-group", "db"],
  ["security-group", "cache"],
  ["rds-instance", "db"],
  ["rds-subnet-group", "db"],
  ["rds-parameter-group", "db-pg16"],
  ["secret", "db-credentials"],
  ["secret", "cache-credentials"],
  ["elasticache-replication-group", "cache"],
  ["elasticache-subnet-group", "cache"],
  ["elasticache-serverless-cache", "cache"],
  ["elasticache-user", "cache"],
  ["elasticache-user", "valkey"],
  ["secret", "cache-user-credentials"],
  ["elasticache-user-group", "cache"],
  ["s3-bucket", "assets"],
  ["s3-bucket", "logs"],
  ["ecs-cluster", "cluster"],
  ["ecs-service", "app"],
  ["ecs-task-family", "app"],
  ["ecr-repository", "app"],
  ["iam-role", "app-execution"],
  ["iam-role", "app-task"],
  ["iam-policy", "app-execution"],
  ["iam-policy", "app-task"],
  ["iam-role", "bucket-sync-execution"],
  ["iam-role", "bucket-sync-task"],
  ["iam-role", "bucket-sync-scheduler"],
  ["iam-policy", "bucket-sync-execution"],
  ["iam-policy", "bucket-sync-task"],
  ["iam-policy", "bucket-sync-scheduler"],
  ["ecs-task-family", "bucket-sync"],
  ["schedule", "bucket-sync"],
];
