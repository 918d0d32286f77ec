/**
 * Every priced resource type and its pricer. A type is priced here, free (free-types.ts), or
 * not priced and listed as such.
 */
import type { Pricer } from "../model";
import { priceCache, priceServerlessCache } from "./cache";
import { priceDatabase } from "./database";
import { priceCluster, priceService } from "./ecs";
import { priceSchedule, priceStateMachine } from "./jobs";
import { priceAlarm, priceLogGroup } from "./monitoring";
import { priceElasticIp, priceListenerRule, priceLoadBalancer, priceNatGateway } from "./network";
import { priceBucket, priceRepository, priceSecret } from "./storage";

export const PRICERS: Readonly<Record<string, Pricer>> = {
  "aws:ecs/service:Service": priceService,
  "aws:ecs/cluster:Cluster": priceCluster,
  "aws:scheduler/schedule:Schedule": priceSchedule,
  "aws:sfn/stateMachine:StateMachine": priceStateMachine,
  "aws:rds/instance:Instance": priceDatabase,
  "aws:elasticache/replicationGroup:ReplicationGroup": priceCache,
  "aws:elasticache/serverlessCache:ServerlessCache": priceServerlessCache,
  "aws:lb/loadBalancer:LoadBalancer": priceLoadBalancer,
  "aws:lb/listenerRule:ListenerRule": priceListenerRule,
  "aws:ec2/natGateway:NatGateway": priceNatGateway,
  "aws:ec2/eip:Eip": priceElasticIp,
  "aws:s3/bucket:Bucket": priceBucket,
  "aws:ecr/repository:Repository": priceRepository,
  "aws:secretsmanager/secret:Secret": priceSecret,
  "aws:cloudwatch/logGroup:LogGroup": priceLogGroup,
  "aws:cloudwatch/metricAlarm:MetricAlarm": priceAlarm,
};
