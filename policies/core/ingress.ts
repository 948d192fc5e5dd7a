// Inbound rules of every firewall flavour the pack knows, in one shape. Values not known
// during preview stay UNKNOWN; the exposure check skips what it cannot judge.
import { ALL_PORTS, covers, isWorld, parsePortRange, parseProtocol, spanOf, type PortSpan, type Protocol } from "./net";
import { TYPES } from "./types";
import { asList, asNumber, asString, at, stringsOf, UNKNOWN, type Props, type Unknown, type Value } from "./values";

export interface Ingress {
  /** Field path inside the resource, for messages: "ingress[0]", "inboundRules[2]", "". */
  readonly where: string;
  readonly protocol: Protocol | Unknown;
  /** undefined: the rule's ports are malformed (the provider will refuse it). */
  readonly ports: PortSpan | Unknown | undefined;
  /** Source CIDRs / addresses that are known. */
  readonly sources: readonly string[];
  /** Some source was unknown. */
  readonly sourcesUnknown: boolean;
}

function protocolOf(v: Value): Protocol | Unknown {
  if (v === UNKNOWN) return UNKNOWN;
  return parseProtocol(typeof v === "string" || typeof v === "number" ? v : undefined);
}

function num(v: Value): number | Unknown | undefined {
  return asNumber(v);
}

/** AWS fromPort/toPort: protocol -1 opens every port whatever the numbers say. */
function awsSpan(protocol: Protocol | Unknown, from: Value, to: Value): PortSpan | Unknown | undefined {
  if (protocol === "all") return ALL_PORTS;
  const a = num(from);
  const b = num(to);
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  return spanOf(a, b, false);
}

function sourcesOf(...lists: Value[]): { sources: string[]; sourcesUnknown: boolean } {
  const parts = lists.map(stringsOf);
  return { sources: parts.flatMap((p) => p.known), sourcesUnknown: parts.some((p) => p.unknown) };
}

function awsInline(props: Props): Ingress[] {
  const list = asList(props["ingress"]);
  if (list === UNKNOWN) return [{ where: "ingress", protocol: UNKNOWN, ports: UNKNOWN, sources: [], sourcesUnknown: true }];
  return list.map((r, i) => {
    const protocol = protocolOf(at(r, "protocol"));
    return { where: `ingress[${i}]`, protocol, ports: awsSpan(protocol, at(r, "fromPort"), at(r, "toPort")), ...sourcesOf(at(r, "cidrBlocks"), at(r, "ipv6CidrBlocks")) };
  });
}

function awsRule(props: Props): Ingress[] {
  if (props["type"] !== "ingress") return [];
  const protocol = protocolOf(props["protocol"]);
  return [{ where: "", protocol, ports: awsSpan(protocol, props["fromPort"], props["toPort"]), ...sourcesOf(props["cidrBlocks"], props["ipv6CidrBlocks"]) }];
}

function awsIngressRule(props: Props): Ingress[] {
  const protocol = protocolOf(props["ipProtocol"]);
  const one = (v: Value): Value => (v === undefined ? [] : [v]);
  return [{ where: "", protocol, ports: awsSpan(protocol, props["fromPort"], props["toPort"]), ...sourcesOf(one(props["cidrIpv4"]), one(props["cidrIpv6"])) }];
}

function doFirewall(props: Props): Ingress[] {
  const list = asList(props["inboundRules"]);
  if (list === UNKNOWN) return [{ where: "inboundRules", protocol: UNKNOWN, ports: UNKNOWN, sources: [], sourcesUnknown: true }];
  return list.flatMap((r, i) => {
    if (at(r, "action") === "deny") return [];
    const protocol = protocolOf(at(r, "protocol"));
    const range = asString(at(r, "portRange"));
    const ports = range === UNKNOWN ? UNKNOWN : range === undefined ? ALL_PORTS : parsePortRange(range);
    return [{ where: `inboundRules[${i}]`, protocol, ports, ...sourcesOf(at(r, "sourceAddresses")) }];
  });
}

/** Neutron: no remote prefix and no remote group means "from anywhere" of the ethertype. */
function osRule(props: Props): Ingress[] {
  if (props["direction"] !== "ingress") return [];
  const protocol = protocolOf(props["protocol"]);
  const a = num(props["portRangeMin"]);
  const b = num(props["portRangeMax"]);
  const ports = a === UNKNOWN || b === UNKNOWN ? UNKNOWN : protocol === "all" ? ALL_PORTS : spanOf(a, b, true);
  const prefix = props["remoteIpPrefix"];
  if (prefix === undefined || prefix === null || prefix === "") {
    if (props["remoteGroupId"] !== undefined && props["remoteGroupId"] !== null && props["remoteGroupId"] !== "") return [];
    const world = props["ethertype"] === "IPv6" ? "::/0" : "0.0.0.0/0";
    return [{ where: "", protocol, ports, sources: [world], sourcesUnknown: false }];
  }
  return [{ where: "", protocol, ports, ...sourcesOf([prefix]) }];
}

/** The legacy nova security group's inline rules. */
function osComputeGroup(props: Props): Ingress[] {
  const list = asList(props["rules"]);
  if (list === UNKNOWN) return [{ where: "rules", protocol: UNKNOWN, ports: UNKNOWN, sources: [], sourcesUnknown: true }];
  return list.map((r, i) => {
    const protocol = protocolOf(at(r, "ipProtocol"));
    const cidr = at(r, "cidr");
    return { where: `rules[${i}]`, protocol, ports: awsSpan(protocol, at(r, "fromPort"), at(r, "toPort")), ...sourcesOf(cidr === undefined ? [] : [cidr]) };
  });
}

/** Inbound rules of a firewall-like resource; [] for any other type. */
export function ingressOf(type: string, props: Props): Ingress[] {
  switch (type) {
    case TYPES.awsSecurityGroup:
    case TYPES.awsDefaultSecurityGroup:
      return awsInline(props);
    case TYPES.awsSecurityGroupRule:
      return awsRule(props);
    case TYPES.awsIngressRule:
      return awsIngressRule(props);
    case TYPES.doFirewall:
      return doFirewall(props);
    case TYPES.osSecGroupRule:
      return osRule(props);
    case TYPES.osComputeSecGroup:
      return osComputeGroup(props);
    default:
      return [];
  }
}

export interface NamedPort {
  readonly name: string;
  readonly port: number;
}

export interface Exposure {
  readonly rule: Ingress;
  readonly span: PortSpan;
  /** The rule's sources that are the whole internet (0.0.0.0/0, ::/0). */
  readonly world: readonly string[];
  readonly ports: readonly NamedPort[];
}

/**
 * Rules that let TCP to any of `ports` in from the whole internet. Rules whose
 * protocol, ports or sources are unknown (preview) or malformed are not judged.
 */
export function worldExposures(type: string, props: Props, ports: readonly NamedPort[]): Exposure[] {
  return ingressOf(type, props).flatMap((rule): Exposure[] => {
    const { protocol, ports: span } = rule;
    if (protocol === UNKNOWN || span === UNKNOWN || span === undefined) return [];
    if (protocol !== "tcp" && protocol !== "all") return [];
    const world = rule.sources.filter(isWorld);
    const hit = ports.filter((p) => covers(span, p.port));
    return world.length && hit.length ? [{ rule, span, world, ports: hit }] : [];
  });
}

/** The field that holds a rule's sources, for "how to fix" sentences. */
export function sourceField(type: string): string {
  switch (type) {
    case TYPES.doFirewall:
      return "sourceAddresses";
    case TYPES.osSecGroupRule:
      return "remoteIpPrefix (or remoteGroupId)";
    case TYPES.osComputeSecGroup:
      return "cidr (or fromGroupId)";
    case TYPES.awsIngressRule:
      return "cidrIpv4/cidrIpv6 (or referencedSecurityGroupId)";
    default:
      return "cidrBlocks/ipv6CidrBlocks (or securityGroups)";
  }
}
