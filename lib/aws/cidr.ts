/** Carves the subnets of a stage's /16 VPC: public /20s first, private /20s from the middle. */
export interface SubnetPlan {
  publicCidrs: string[];
  privateCidrs: string[];
}

export function planSubnets(vpcCidr: string, zoneCount: number): SubnetPlan {
  const match = /^(\d+)\.(\d+)\.0\.0\/16$/.exec(vpcCidr);
  if (!match)
    throw new Error(`VPC CIDR ${JSON.stringify(vpcCidr)} must be a /16 like 10.30.0.0/16`);
  if (zoneCount < 1 || zoneCount > 4) throw new Error(`zoneCount ${zoneCount} must be 1 to 4`);
  const [, a, b] = match;
  // Each /20 covers 16 values of the third octet: public at 0, 16, ...; private at 128, 144, ...
  const block = (thirdOctet: number) => `${a}.${b}.${thirdOctet}.0/20`;
  return {
    publicCidrs: Array.from({ length: zoneCount }, (_, i) => block(i * 16)),
    privateCidrs: Array.from({ length: zoneCount }, (_, i) => block(128 + i * 16)),
  };
}
