import type { ResourceRef } from '../../model/finding.ts';

/** The exposure model's shapes: paths from the internet to a workload, hop by hop, and the intended doors. */

export type HopKind =
  | 'internet'
  | 'internet-gateway'
  | 'route-table'
  | 'subnet'
  | 'network-acl'
  | 'network-interface'
  | 'security-group'
  | 'load-balancer'
  | 'listener'
  | 'target-group'
  | 'rest-api'
  | 'stage'
  | 'vpc-link'
  | 'distribution'
  | 'origin';

/** One hop of a path; `note` is the Japanese fact that let the flow through (route, rule, port). */
export interface Hop {
  readonly kind: HopKind;
  readonly id: string;
  readonly label: string;
  readonly note?: string;
}

export type EntryKind = 'public-ip' | 'load-balancer' | 'rest-api';

export interface ExposureEntry {
  readonly kind: EntryKind;
  readonly resource: ResourceRef;
  readonly label: string;
}

export interface ExposureWorkload {
  readonly kind: 'network-interface' | 'target-group';
  readonly id: string;
  readonly label: string;
  readonly vpcId?: string;
}

/** 'entry → workload', or the workload alone when it is its own entry (a public IP on its ENI). */
export const entryToWorkload = (
  entry: { readonly label?: string } | undefined,
  workload: { readonly label?: string } | undefined,
): string => {
  const from = entry?.label ?? '';
  const to = workload?.label ?? '';
  return to.startsWith(from) ? to : `${from} → ${to}`;
};

/** A path from the internet to a workload. */
export interface ExposurePath {
  readonly entry: ExposureEntry;
  readonly workload: ExposureWorkload;
  /** In order, starting with the internet. */
  readonly hops: readonly Hop[];
  /** What gets through: 'tcp 8080' / 'tcp 80, 443; udp 53'. */
  readonly ports: string;
  /** For API entries: the stage methods that open the path ('prod: GET /orders'). */
  readonly methods?: readonly string[];
  /** Set when the intent accepts the path; the reason says why. */
  readonly intended?: string;
  /** Set when a hop could not be decided and the path is assumed open (never assumed closed). */
  readonly unknown?: string;
}

/** An intended way in, drawn apart from the bypasses. */
export interface IntendedDoor {
  readonly kind: 'distribution' | EntryKind;
  readonly id: string;
  readonly label: string;
  readonly reason: string;
  /** What the door leads to (origins, target groups), as labels. */
  readonly leadsTo: readonly string[];
}

export interface ExposureModel {
  readonly paths: readonly ExposurePath[];
  readonly doors: readonly IntendedDoor[];
}
