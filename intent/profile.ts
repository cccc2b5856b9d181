import { defaultRoutesToIgw, effectiveRouteTables, isWorkloadInterface, label } from '../inventory/derive.ts';
import type { Inventory, LoadBalancer, Route, Vpc } from '../inventory/types.ts';
import type { Profile } from './schema.ts';

/**
 * Which architecture an approved account is built as, for `baseline`, and the facts that say so (written
 * into the intent file as a comment, so a reviewer can check the choice).
 *
 * Classic (seed 002): a VPC whose internet entry is an internet-facing load balancer in public subnets
 * (default route to an internet gateway), with private subnets behind it for the workloads and the DB.
 * Anything else is held to private-backend, in particular a VPC that CloudFront or API Gateway already
 * enters privately (a CloudFront VPC origin or an API Gateway VPC link to one of its load balancers):
 * there a public load balancer is a deviation from the private design, not the design.
 */

export interface ProfileInference {
  readonly profile: Profile;
  /** Japanese, one fact per line, naming the resources. */
  readonly why: readonly string[];
}

const ids = (items: readonly { readonly id: string }[]): string => items.map((i) => i.id).join(', ');

/** Load balancers CloudFront VPC origins and API Gateway VPC links reach privately, by ARN. */
const privateDoorTargets = (inventory: Inventory): ReadonlyMap<string, string> => {
  const doors = new Map<string, string>();
  for (const o of inventory.cloudfront.vpcOrigins) doors.set(o.targetArn, `CloudFront VPC オリジン ${o.id}`);
  for (const link of inventory.apigateway.vpcLinks) {
    for (const arn of link.targetArns) doors.set(arn, `API Gateway VPC リンク ${link.id}`);
  }
  return doors;
};

type VpcVerdict =
  | { readonly classic: true; readonly why: string[] }
  | { readonly classic: false; readonly why?: string; readonly enteredBy?: string };

const judgeVpc = (
  inventory: Inventory,
  vpc: Vpc,
  igwRouteOf: (subnetId: string) => Route | undefined,
  doors: ReadonlyMap<string, string>,
): VpcVerdict => {
  const inVpc = <T extends { readonly region: string; readonly vpcId: string }>(items: readonly T[]) =>
    items.filter((i) => i.region === vpc.region && i.vpcId === vpc.id);
  const lbs = inVpc(inventory.elbv2.loadBalancers);
  // Where CloudFront or API Gateway enters this VPC privately: the private-backend design.
  const entered = lbs.flatMap((lb: LoadBalancer) => {
    const door = doors.get(lb.arn ?? lb.id);
    return door ? [`${door} → ${lb.name ?? lb.loadBalancerName}`] : [];
  });
  const enteredBy =
    entered.length > 0
      ? `${label(vpc)} には ${entered.join('、')} でプライベートに入る経路がある（private-backend の入口）`
      : undefined;
  const publicLbs = lbs.filter(
    (lb) =>
      lb.scheme === 'internet-facing' &&
      lb.type !== 'gateway' &&
      lb.subnetIds.length > 0 &&
      lb.subnetIds.every((id) => igwRouteOf(id) !== undefined),
  );
  if (publicLbs.length === 0) return { classic: false, ...(enteredBy ? { enteredBy } : {}) };

  const subnets = inVpc(inventory.ec2.subnets);
  const privateSubnets = subnets.filter((s) => igwRouteOf(s.id) === undefined);
  if (privateSubnets.length === 0) {
    return {
      classic: false,
      why: `${label(vpc)} はすべてのサブネットがインターネットゲートウェイへ向いており、ワークロードを置くプライベートサブネットがない`,
      ...(enteredBy ? { enteredBy } : {}),
    };
  }
  if (enteredBy) return { classic: false, why: enteredBy, enteredBy };

  const why = publicLbs.map((lb) => {
    const routes = new Set(
      lb.subnetIds.map((id) => {
        const route = igwRouteOf(id)!;
        return `${route.destination} → ${route.targetId}`;
      }),
    );
    return `internet-facing のロードバランサー ${lb.name ?? lb.loadBalancerName} がパブリックサブネット ${lb.subnetIds.join(', ')}（${[...routes].join(', ')}）にある`;
  });
  const publicSubnetIds = new Set(subnets.filter((s) => igwRouteOf(s.id) !== undefined).map((s) => s.id));
  const nats = inVpc(inventory.ec2.natGateways).filter(
    (n) => n.state === 'available' && n.subnetId !== undefined && publicSubnetIds.has(n.subnetId),
  );
  if (nats.length > 0) why.push(`NAT ゲートウェイ ${ids(nats)} がパブリックサブネットにある`);
  const privateIds = new Set(privateSubnets.map((s) => s.id));
  const workloads = inVpc(inventory.ec2.networkInterfaces).filter(
    (eni) => isWorkloadInterface(eni) && privateIds.has(eni.subnetId),
  );
  why.push(
    `プライベートサブネット ${ids(privateSubnets)}（インターネットゲートウェイへのルートなし）${workloads.length > 0 ? `にワークロードの ENI が ${workloads.length} 個ある` : 'がある'}`,
  );
  why.push(`${label(vpc)} に入る CloudFront VPC オリジン・API Gateway VPC リンクはない`);
  return { classic: true, why };
};

/**
 * The profile the account is built as, and why: classic when a VPC is built so and no VPC is entered
 * privately. The profile holds every VPC of the account, so a private-backend VPC beside a classic one
 * keeps the stricter private-backend (the classic VPC's design is then written down as exceptions).
 */
export const inferProfile = (inventory: Inventory): ProfileInference => {
  const tables = effectiveRouteTables(inventory);
  const igwRouteOf = (subnetId: string): Route | undefined => {
    const table = tables.get(subnetId);
    return table ? defaultRoutesToIgw(table)[0] : undefined;
  };
  const doors = privateDoorTargets(inventory);
  const verdicts = inventory.ec2.vpcs
    .filter((v) => !v.isDefault)
    .map((vpc) => judgeVpc(inventory, vpc, igwRouteOf, doors));
  const classic = verdicts.flatMap((v) => (v.classic ? v.why : []));
  const enteredBy = verdicts.flatMap((v) => (!v.classic && v.enteredBy ? [v.enteredBy] : []));
  if (classic.length > 0 && enteredBy.length === 0) return { profile: 'classic', why: classic };
  const reasons = verdicts.flatMap((v) => (!v.classic && v.why ? [v.why] : []));
  // A classic VPC beside a private-backend one: the stricter profile holds both, and the why says so.
  if (classic.length > 0) {
    reasons.push(
      ...enteredBy.filter((w) => !reasons.includes(w)),
      ...classic.map(
        (w) => `classic の構成もあるが、private-backend の VPC があるため private-backend とする: ${w}`,
      ),
    );
  }
  return {
    profile: 'private-backend',
    why:
      reasons.length > 0
        ? reasons
        : [
            'パブリックサブネット（インターネットゲートウェイへのデフォルトルート）にある internet-facing のロードバランサーがない',
          ],
  };
};

/** The profile `baseline` writes: the one the user chose, else the inferred one; with the why either way. */
export const chooseProfile = (inventory: Inventory, chosen?: Profile): ProfileInference => {
  const inferred = inferProfile(inventory);
  if (chosen === undefined) return inferred;
  return {
    profile: chosen,
    why: [`--profile ${chosen} で指定（アカウントからの推定は ${inferred.profile}）`, ...inferred.why],
  };
};
