// The client against a misbehaving HTTP server on 127.0.0.1: every bad answer becomes a
// typed problem, bounded in size and time.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { VsphereClient } from "../../../components/vsphere/client";
import { SOAP_ENV } from "../../../components/vsphere/soap";
import { VsphereError, type VsphereProblem } from "../../../components/vsphere/types";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let url: string;
let handler: Handler;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      requests.push(body);
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sdk`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => {
  requests.length = 0;
});

const soap = (inner: string): string => `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;

const serviceContent = soap(
  `<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval><unexpected><deep>x</deep></unexpected><rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">pc</propertyCollector><searchIndex type="SearchIndex">si</searchIndex><sessionManager type="SessionManager">sm</sessionManager><about><apiVersion>8.0.2.0</apiVersion><apiType>VirtualCenter</apiType><fullName>Fake</fullName></about></returnval></RetrieveServiceContentResponse>`,
);

function methodOf(body: string): string {
  return /<soapenv:Body><(\w+)/.exec(body)?.[1] ?? "?";
}

async function problemOf(p: Promise<unknown>): Promise<VsphereProblem> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VsphereError) return e.problem;
    throw e;
  }
  throw new Error("expected a VsphereError");
}

const connect = (extra: Partial<Parameters<typeof VsphereClient.connect>[0]> = {}) => VsphereClient.connect({ url, username: "u", password: "secret-pw", ...extra });

test("sends SOAPAction, XML content type, escaped credentials; tolerates unexpected elements; keeps the cookie", async () => {
  const headers: Array<IncomingMessage["headers"]> = [];
  handler = (req, body, res) => {
    headers.push(req.headers);
    if (methodOf(body) === "RetrieveServiceContent") return void res.end(serviceContent);
    if (methodOf(body) === "Login") {
      res.setHeader("Set-Cookie", 'vmware_soap_session="s3cr3t"; Path=/; HttpOnly; Secure');
      return void res.end(soap(`<LoginResponse xmlns="urn:vim25"><returnval><key>k</key></returnval></LoginResponse>`));
    }
    res.end(soap(`<${methodOf(body)}Response xmlns="urn:vim25"/>`));
  };
  const c = await connect({ username: "a<b>&c", apiVersion: "7.0" });
  expect(c.content.about.apiVersion).toBe("8.0.2.0");
  expect(`${inspect(c, { depth: 10, showHidden: true })} ${JSON.stringify(c)}`).not.toContain("s3cr3t");
  await c.logout();
  expect(headers[0]!["soapaction"]).toBe("urn:vim25/7.0");
  expect(headers[0]!["content-type"]).toBe("text/xml; charset=utf-8");
  expect(headers[0]!["cookie"]).toBeUndefined();
  expect(headers[2]!["cookie"]).toBe('vmware_soap_session="s3cr3t"');
  expect(requests[1]).toContain("<userName>a&lt;b&gt;&amp;c</userName>");
});

test("a Login answer without a session cookie is refused", async () => {
  handler = (_req, body, res) =>
    void res.end(methodOf(body) === "Login" ? soap(`<LoginResponse xmlns="urn:vim25"><returnval/></LoginResponse>`) : serviceContent);
  expect(await problemOf(connect())).toMatchObject({ kind: "response", method: "Login", message: expect.stringMatching(/no vmware_soap_session cookie/) });
});

test("malformed XML with status 200 is a response problem with a position", async () => {
  handler = (_req, _body, res) => void res.end(`<?xml version="1.0"?>\n<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}">\n<soapenv:Body><oops></soapenv:Body>`);
  const p = await problemOf(connect());
  expect(p).toMatchObject({ kind: "response", method: "RetrieveServiceContent" });
  expect(p.kind === "response" && p.message).toMatch(/malformed XML at line 3, column \d+/);
});

test("a proxy error page is an http problem with a snippet, not a parse error", async () => {
  handler = (_req, _body, res) => {
    res.statusCode = 503;
    res.end("<html><head><title>503 Service Unavailable</title></head><body>upstream down</body></html>");
  };
  expect(await problemOf(connect())).toMatchObject({ kind: "http", status: 503, snippet: expect.stringContaining("503 Service Unavailable") });
});

test("a response larger than the bound is refused while streaming", async () => {
  handler = (_req, _body, res) => {
    const chunk = "<x/>".repeat(16 * 1024);
    res.write(`<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}"><soapenv:Body><RetrieveServiceContentResponse>`);
    let sent = 0;
    const pump = (): void => {
      while (sent < 64 && !res.destroyed) {
        sent++;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      res.end("</RetrieveServiceContentResponse></soapenv:Body></soapenv:Envelope>");
    };
    pump();
  };
  const p = await problemOf(connect({ maxResponseBytes: 256 * 1024 }));
  expect(p).toMatchObject({ kind: "response", message: "answer larger than 262144 bytes; refused" });
});

test("a server that never answers hits the request timeout", async () => {
  handler = () => undefined;
  expect(await problemOf(connect({ requestTimeoutMs: 150 }))).toEqual({ kind: "timeout", method: "RetrieveServiceContent", timeoutMs: 150 });
});

test("a server that trickles bytes forever still hits the whole-exchange deadline", async () => {
  handler = (_req, _body, res) => {
    res.write("<");
    const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(" ")), 20);
    res.on("close", () => clearInterval(t));
  };
  expect(await problemOf(connect({ requestTimeoutMs: 200 }))).toMatchObject({ kind: "timeout", timeoutMs: 200 });
});

test("a task that reports an unknown state is a response problem, not a hang", async () => {
  handler = (_req, body, res) => {
    const m = methodOf(body);
    if (m === "RetrieveServiceContent") return void res.end(serviceContent);
    if (m === "Login") {
      res.setHeader("Set-Cookie", "vmware_soap_session=abc; Path=/");
      return void res.end(soap(`<LoginResponse xmlns="urn:vim25"><returnval/></LoginResponse>`));
    }
    if (m === "PowerOnVM_Task") return void res.end(soap(`<PowerOnVM_TaskResponse xmlns="urn:vim25"><returnval type="Task">task-1</returnval></PowerOnVM_TaskResponse>`));
    if (m === "RetrievePropertiesEx") {
      return void res.end(soap(`<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="Task">task-1</obj><propSet><name>info.state</name><val>exploding</val></propSet></objects></returnval></RetrievePropertiesExResponse>`));
    }
    res.end(soap(`<${m}Response xmlns="urn:vim25"/>`));
  };
  const c = await connect();
  expect(await problemOf(c.powerOn({ type: "VirtualMachine", value: "vm-1" }))).toMatchObject({ kind: "response", message: expect.stringMatching(/"exploding"/) });
  expect(await problemOf(c.powerOff({ type: "VirtualMachine", value: "vm-1" }))).toMatchObject({ kind: "response", message: "answer carries no Task reference" });
  await c.logout();
});

test("the password never appears in any error", async () => {
  handler = (_req, _body, res) => {
    res.statusCode = 500;
    res.end(soap(`<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>Cannot complete login due to an incorrect user name or password.</faultstring><detail><InvalidLoginFault xmlns="urn:vim25" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="InvalidLogin"/></detail></soapenv:Fault>`));
  };
  let caught: unknown;
  try {
    await connect();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(VsphereError);
  expect((caught as VsphereError).faultType).toBe("InvalidLogin");
  expect(JSON.stringify({ m: (caught as Error).message, s: (caught as Error).stack, p: (caught as VsphereError).problem })).not.toContain("secret-pw");
});
