// SealedSecret's dynamic provider. Plain async functions (Pulumi serialises them into its
// dynamic provider host; tests call them directly and serialised):
//   check   refuses a bad URL, name, plaintext, token, TTL or CA before anything is sent
//   create  seal(token, name, plaintext) (runtime/tls/seal.ts) and PUT the blob under the
//           token for ttlSeconds; id = a hash of URL and name (never the token)
//   diff    see sealed-inputs.ts (location replaces; contents, TTL and near expiry update)
//   update  seals again (fresh salt and nonce) and puts it in place
//   read    a record the service no longer holds (expired, or its token lost) reads as
//           gone, so the next `up` publishes it again
//   delete  removes the record; one already gone is fine
// The service only ever sees the sealed blob; the plaintext leaves this process encrypted.
import type * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { deleteSealed, getSealed, putSealed, type ClientError, type ClientOptions } from "../../runtime/discovery";
import { seal } from "../../runtime/tls/seal";
import { checkSealedInputs, diffSealed, SEALED_TTL, type SealedInputs, type SealedOutputs } from "./sealed-inputs";

export interface SealedProviderOptions {
  /** Clock for the renewal decision in diff (default Date.now). */
  readonly now?: () => number;
}

const CALL_TIMEOUT_MS = 15_000;

function fail(what: string, e: ClientError): never {
  const detail = e.kind === "http" ? `HTTP ${e.status}: ${e.message}` : `${e.kind}: ${e.message}`;
  // The service's messages may name the token (a credential): keep its first 8 digits only.
  throw new Error(`SealedSecret: ${what}: ${detail.replace(/[0-9a-f]{32}/g, (t) => `${t.slice(0, 8)}…`)}`);
}

function refuse(x: unknown): SealedOutputs {
  const bad = checkSealedInputs(x);
  if (bad.length) throw new Error(`SealedSecret: ${bad.map((b) => `${b.property}: ${b.reason}`).join("; ")}`);
  const i = x as SealedInputs;
  return { ...i, ttlSeconds: i.ttlSeconds ?? SEALED_TTL.defaultSeconds, expiresAt: 0 };
}

const clientOpts = (i: SealedInputs): ClientOptions => ({ ...(i.ca && { ca: i.ca }), timeoutMs: CALL_TIMEOUT_MS });

/** The service's origin only: the token URL is a credential and stays out of messages. */
const where = (i: SealedInputs) => `${new URL(i.discoveryUrl).origin} (record ${i.name})`;

async function publish(raw: unknown): Promise<SealedOutputs> {
  const i = refuse(raw);
  const blob = seal(i.bootstrapToken, i.name, i.plaintext);
  const r = await putSealed(i.discoveryUrl, i.name, blob, i.ttlSeconds, clientOpts(i));
  if (!r.ok) fail(`publishing at ${where(i)}`, r.error);
  return { ...i, expiresAt: r.value.expiresAt };
}

export function sealedProvider(options: SealedProviderOptions = {}): pulumi.dynamic.ResourceProvider<SealedInputs, SealedOutputs> {
  const now = options.now ?? (() => Date.now());
  return {
    async check(_olds, news) {
      const failures = checkSealedInputs(news);
      return failures.length ? { inputs: news, failures } : { inputs: news };
    },

    async create(inputs) {
      const outs = await publish(inputs);
      const id = createHash("sha256").update(`${outs.discoveryUrl}\n${outs.name}`).digest("hex").slice(0, 32);
      return { id, outs };
    },

    async diff(_id, olds, news) {
      const d = diffSealed(olds, news, now());
      return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: false };
    },

    async update(_id, _olds, news) {
      return { outs: await publish(news) };
    },

    async read(id, props) {
      if (!props?.discoveryUrl || !props.name) return {};
      const r = await getSealed(props.discoveryUrl, props.name, clientOpts(props));
      // A token the service no longer knows holds no record either.
      if (!r.ok && r.error.kind === "http" && r.error.status === 404) return {};
      if (!r.ok) return fail(`reading at ${where(props)}`, r.error);
      return r.value === undefined ? {} : { id, props };
    },

    async delete(_id, props) {
      const r = await deleteSealed(props.discoveryUrl, props.name, clientOpts(props));
      if (r.ok || (r.error.kind === "http" && r.error.status === 404)) return;
      fail(`deleting at ${where(props)} (it expires by itself at ${new Date(props.expiresAt).toISOString()})`, r.error);
    },
  };
}
