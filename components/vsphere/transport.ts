// The one I/O edge of the client: POST a SOAP document, get status, cookie and body.
// node:https rather than fetch because fetch in Node 20 cannot take a per-request CA.
// TLS is verified unless `insecure` is set; a response larger than `maxBytes` is cut off
// and reported, never buffered whole.
import * as http from "node:http";
import * as https from "node:https";
import type { VsphereProblem } from "./types";

export interface TransportOptions {
  /** PEM of the CA (or the self-signed certificate) to trust instead of Node's store. */
  readonly caPem?: string;
  /** Skip certificate verification. Unsafe: anyone on the path can read the password. */
  readonly insecure?: boolean;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

export interface RawAnswer {
  readonly status: number;
  readonly body: string;
  readonly setCookie: readonly string[];
}

export type PostResult = { readonly ok: true; readonly answer: RawAnswer } | { readonly ok: false; readonly problem: VsphereProblem };

/** Signature of `post`, so the client can take another transport in tests. */
export type Post = (url: URL, method: string, body: string, headers: Readonly<Record<string, string>>, opts: TransportOptions) => Promise<PostResult>;

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|DEPTH_ZERO|UNABLE_TO_GET_ISSUER/;

export const post: Post = (url, method, body, headers, opts) =>
  new Promise<PostResult>((resolve) => {
    const payload = Buffer.from(body, "utf8");
    const lib = url.protocol === "https:" ? https : http;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const done = (r: PostResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = lib.request(
      url,
      {
        method: "POST",
        headers: { ...headers, "Content-Length": String(payload.length) },
        ...(url.protocol === "https:" ? { ca: opts.caPem, rejectUnauthorized: !opts.insecure } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > opts.maxBytes) {
            done({ ok: false, problem: { kind: "response", method, message: `answer larger than ${opts.maxBytes} bytes; refused` } });
            req.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on("end", () => {
          const setCookie = res.headers["set-cookie"] ?? [];
          done({ ok: true, answer: { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), setCookie } });
        });
        res.on("error", (e) => done(failure(method, e)));
      },
    );
    req.on("error", (e) => done(failure(method, e)));
    // A whole-exchange deadline: an idle-socket timeout would let a trickling server
    // hold the call forever.
    timer = setTimeout(() => {
      done({ ok: false, problem: { kind: "timeout", method, timeoutMs: opts.timeoutMs } });
      req.destroy();
    }, opts.timeoutMs);
    req.end(payload);
  });

function failure(method: string, e: Error & { code?: string }): PostResult {
  const code = e.code ?? "ERROR";
  const kind = TLS_CODES.test(code) ? "tls" : "network";
  return { ok: false, problem: { kind, method, code, message: e.message } };
}
