// The DiscoveryToken's dynamic provider. Plain async functions (Pulumi serialises them
// into its dynamic provider host; tests call them directly):
//   check   refuses a bad service URL, size or CA before anything is asked of the service
//   create  GET <service>/new?size=N; the resource id is a hash of the token URL, never the
//           token itself (ids are stored unencrypted in the state)
//   diff    any input change replaces (a token's size is fixed at creation)
//   read    asks the service for the token's size: a token the service no longer has
//           reads as gone, so the next `up` makes a new one
//   delete  nothing: the discovery protocol has no delete, and an unused token is
//           harmless apart from a few bytes in the service's log
import type * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { createToken, getSize, type ClientError } from "../../runtime/discovery";
import { checkTokenInputs, diffToken, type TokenInputs, type TokenOutputs } from "./inputs";

function fail(what: string, e: ClientError): never {
  const detail = e.kind === "http" ? `HTTP ${e.status}: ${e.message}` : `${e.kind}: ${e.message}`;
  throw new Error(`${what}: ${detail}`);
}

export function tokenProvider(): pulumi.dynamic.ResourceProvider<TokenInputs, TokenOutputs> {
  return {
    async check(_olds, news) {
      const failures = checkTokenInputs(news);
      return failures.length ? { inputs: news, failures } : { inputs: news };
    },

    async create(inputs) {
      const bad = checkTokenInputs(inputs);
      if (bad.length) throw new Error(`DiscoveryToken: ${bad.map((b) => `${b.property}: ${b.reason}`).join("; ")}`);
      const r = await createToken(inputs.service, inputs.size, { ...(inputs.ca && { ca: inputs.ca }), timeoutMs: 15_000 });
      if (!r.ok) fail(`DiscoveryToken: ${inputs.service}/new?size=${inputs.size}`, r.error);
      const id = createHash("sha256").update(r.value).digest("hex").slice(0, 32);
      return { id, outs: { ...inputs, url: r.value } };
    },

    async diff(_id, olds, news) {
      const d = diffToken(olds, news);
      return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: false };
    },

    async read(id, props) {
      if (!props?.url) return {};
      const r = await getSize(props.url, { ...(props.ca && { ca: props.ca }), timeoutMs: 15_000 });
      if (r.ok) return { id, props: { ...props, size: r.value } };
      if (r.error.kind === "http" && r.error.status === 404) return {};
      return fail("DiscoveryToken: reading the token's size", r.error);
    },

    async delete() {
      // Deliberately nothing (see the module comment).
    },
  };
}
