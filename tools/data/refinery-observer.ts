/**
 * What `stagectl data status` reads about the refinery, from AWS: the newest sanitized
 * snapshot, and the refinery's last execution. The real one calls RDS DescribeDBSnapshots and
 * Step Functions ListExecutions (both read-only; every deployer and reviewer may); tests pass
 * a fake that answers the same shapes.
 */
import { DescribeDBSnapshotsCommand, RDSClient } from "@aws-sdk/client-rds";
import { ListExecutionsCommand, SFNClient } from "@aws-sdk/client-sfn";

export interface SanitizedSnapshot {
  identifier: string;
  createdAt: Date;
  allocatedStorageGb: number;
}

export interface RefineryRun {
  name: string;
  status: string;
  startedAt: Date;
  stoppedAt?: Date;
}

export interface RefineryObserver {
  /** Every available snapshot of the sanitizer whose name has the prefix. */
  sanitizedSnapshots(sanitizer: string, prefix: string): Promise<SanitizedSnapshot[]>;
  /** The state machine's most recent execution, if it ever ran. */
  lastRun(stateMachineArn: string): Promise<RefineryRun | undefined>;
}

export function awsRefineryObserver(region: string): RefineryObserver {
  const rds = new RDSClient({ region });
  const sfn = new SFNClient({ region });
  return {
    async sanitizedSnapshots(sanitizer, prefix) {
      const found: SanitizedSnapshot[] = [];
      let marker: string | undefined;
      do {
        const page = await rds.send(
          new DescribeDBSnapshotsCommand({
            DBInstanceIdentifier: sanitizer,
            SnapshotType: "manual",
            Marker: marker,
          }),
        );
        for (const snapshot of page.DBSnapshots ?? []) {
          if (
            snapshot.Status !== "available" ||
            !snapshot.DBSnapshotIdentifier?.startsWith(prefix) ||
            !snapshot.SnapshotCreateTime
          )
            continue;
          found.push({
            identifier: snapshot.DBSnapshotIdentifier,
            createdAt: snapshot.SnapshotCreateTime,
            allocatedStorageGb: snapshot.AllocatedStorage ?? 0,
          });
        }
        marker = page.Marker;
      } while (marker);
      return found;
    },
    async lastRun(stateMachineArn) {
      // "Results are sorted by time, with the most recent execution first" (Step Functions API, ListExecutions).
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1 }));
      const execution = page.executions?.[0];
      if (!execution?.name || !execution.status || !execution.startDate) return undefined;
      return {
        name: execution.name,
        status: execution.status,
        startedAt: execution.startDate,
        stoppedAt: execution.stopDate,
      };
    },
  };
}
