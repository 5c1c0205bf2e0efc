import { createHmac, timingSafeEqual } from "node:crypto";
import ipaddr from "ipaddr.js";

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (the Stripe scheme). */
export const SIGNATURE_HEADER = "quell-signature";
/** Receivers should refuse a signature older than this, so a captured request cannot be replayed later. */
export const SIGNATURE_TOLERANCE_S = 300;

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

/** What a receiver does: recompute over the raw body and compare in constant time, within the tolerance. */
export function verifySignature(secret: string, body: string, header: string, nowSeconds: number, toleranceS = SIGNATURE_TOLERANCE_S): boolean {
  const parts = Object.fromEntries(header.split(",").map((kv) => kv.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceS) return false;
  const expected = Buffer.from(signatureHeader(secret, body, t).split("v1=")[1], "hex");
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Why a webhook URL is refused before any lookup, or null. */
export function urlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `must be http or https, not ${url.protocol.replace(":", "")}`;
  if (url.username || url.password) return "must not carry credentials; put them in the receiver's secret";
  return null;
}

/**
 * True for addresses a webhook must not reach in production: loopback, private, link-local
 * (cloud metadata at 169.254.169.254), unique-local, carrier-grade NAT, multicast, unspecified...
 * ipaddr.js names the range; only ordinary public unicast passes.
 */
export function isInternalAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() !== "unicast";
}

/** The envelope a generic webhook receives. */
export interface EventEnvelope {
  id: string;
  event: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Slack's incoming-webhook body: `text` is the fallback Slack requires, blocks the rich form. */
export function slackMessage(envelope: EventEnvelope, link: string | null): { text: string; blocks: unknown[] } {
  const d = envelope.data;
  const subject = [d.key, d.title].filter(Boolean).join(" ");
  const facts = ["stage", "priority", "severity", "pendingReason", "clock"].filter((k) => d[k] !== undefined && d[k] !== null).map((k) => `*${k}:* ${String(d[k])}`);
  const text = `${envelope.event}: ${subject}`.slice(0, 3000);
  const heading = link ? `*${envelope.event}*: <${link}|${escapeSlack(subject)}>` : `*${envelope.event}*: ${escapeSlack(subject)}`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: heading.slice(0, 3000) } },
      ...(facts.length ? [{ type: "context", elements: [{ type: "mrkdwn", text: facts.join("  ·  ").slice(0, 3000) }] }] : []),
    ],
  };
}

/** Slack's three control characters, escaped as its docs ask. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
