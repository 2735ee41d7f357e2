import type { Config } from '../config/types.ts';
import type { ParentReference, RouteGroupKind } from '../api/types.ts';

/** A status condition as translate writes it; the status sink stamps lastTransitionTime (translate has no clock). */
export interface StatusCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration: number;
}

export interface GatewayClassStatus {
  conditions: StatusCondition[];
  /** Spec (GatewayClassStatus.supportedFeatures): the features claimed, sorted by name. */
  supportedFeatures?: { name: string }[];
}

export interface ListenerStatus {
  name: string;
  supportedKinds: RouteGroupKind[];
  attachedRoutes: number;
  conditions: StatusCondition[];
}

export interface GatewayStatus {
  addresses: { type: string; value: string }[];
  conditions: StatusCondition[];
  listeners: ListenerStatus[];
}

export interface RouteParentStatus {
  parentRef: ParentReference;
  controllerName: string;
  conditions: StatusCondition[];
}

export interface RouteStatus {
  parents: RouteParentStatus[];
}

/** The status of one object that onramp owns or routes for, keyed like the object. */
export interface ObjectStatus {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  generation: number;
  status: GatewayClassStatus | GatewayStatus | RouteStatus;
}

export interface TranslateOptions {
  /** GatewayClasses naming this controllerName are ours; others are left alone. */
  controllerName: string;
  /**
   * The address each Gateway listens on, by `namespace/name`, for Gateways without spec.addresses
   * (see assignAddresses). A Gateway that has none here and no usable spec.addresses is not Programmed.
   */
  addresses: Readonly<Record<string, string>>;
  /**
   * IP addresses of this host that Gateways may request in spec.addresses, besides loopback and the
   * unspecified address (always usable). Another requested address is AddressNotUsable.
   */
  localAddresses?: readonly string[];
}

export interface TranslateResult {
  config: Config;
  /** Sorted by kind, namespace, name. */
  statuses: ObjectStatus[];
}
