// The pack as Pulumi runs it: `pulumi preview --policy-pack policies` starts
// @pulumi/pulumi's run-policy-pack harness in policies/ (TypeScript through its ts-node,
// type-checked), which prints the gRPC port of the analyzer. This test starts the same
// harness and talks the analyzer protocol to it, as the Pulumi engine would: the pack
// lists every policy, takes config, and sees secret property values (the engine sends
// them with KeepSecrets; @pulumi/policy unwraps them for validation).
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { POLICIES } from "../../policies/all";
import { awsControl, awsInstance, PRIVATE_KEY, T } from "./fixtures";
import { urnOf, UNKNOWN_STRING } from "./support";

const ROOT = join(__dirname, "..", "..");
const PACK = join(ROOT, "policies");
const HARNESS = join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
// The wire format of a secret (@pulumi/pulumi runtime/rpc specialSigKey / specialSecretSig).
const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

let child: ChildProcess | undefined;
let client: AnalyzerClient;
let stderr = "";

beforeAll(async () => {
  const c = spawn(process.execPath, [HARNESS, "127.0.0.1:1", "."], { cwd: PACK, stdio: ["ignore", "pipe", "pipe"] });
  child = c;
  c.stderr!.on("data", (d) => (stderr += String(d)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the pack printed no port within 60 s; stderr:\n${stderr}`)), 60_000);
    c.stdout!.once("data", (d) => (clearTimeout(timer), resolve(Number(String(d).trim()))));
    c.once("exit", (code) => (clearTimeout(timer), reject(new Error(`the pack exited with ${code}; stderr:\n${stderr}`))));
  });
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 90_000);

afterAll(async () => {
  client?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
});

const call = <Req, Res>(fn: (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, req: Req) =>
  new Promise<Res>((resolve, reject) => fn.call(client, req, (e, r) => (e ? reject(e) : resolve(r))));

function options(): pb.AnalyzerResourceOptions {
  return new pb.AnalyzerResourceOptions().setCustomtimeouts(new pb.AnalyzerResourceOptions.CustomTimeouts());
}

/** The engine shows "<policy description>\n<message>"; @pulumi/policy builds it so. */
function ownMessage(policy: string, shown: string): string {
  const description = POLICIES.find((p) => p.name === policy)!.description;
  expect(shown.startsWith(`${description}\n`)).toBe(true);
  return shown.slice(description.length + 1);
}

async function analyze(type: string, name: string, props: Record<string, unknown>) {
  const req = new pb.AnalyzeRequest().setType(type).setName(name).setUrn(urnOf(type, name)).setProperties(Struct.fromJavaScript(props as never)).setOptions(options());
  const res = await call<pb.AnalyzeRequest, pb.AnalyzeResponse>(client.analyze, req);
  return res.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), message: ownMessage(d.getPolicyname(), d.getMessage()), level: d.getEnforcementlevel() }));
}

test("the pack lists every policy with its enforcement level and config schema", async () => {
  const info = await call<Empty, pb.AnalyzerInfo>(client.getAnalyzerInfo, new Empty());
  expect(info.getName()).toBe("hafen");
  expect(info.getSupportsconfig()).toBe(true);
  const listed = info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel() === pb.EnforcementLevel.MANDATORY ? "mandatory" : "advisory"]);
  expect(listed).toEqual(POLICIES.map((p) => [p.name, p.enforcementLevel]));
  const ports = info.getPoliciesList().find((p) => p.getName() === "hafen-no-public-cluster-ports")!;
  expect(Object.keys(ports.getConfigschema()!.getProperties()!.toJavaScript())).toEqual(["ports"]);
});

test("secret user data is visible to the policies (and flagged), unknown user data is skipped", async () => {
  const ud = `#cloud-config\nwrite_files:\n  - path: /etc/key.pem\n    content: ${JSON.stringify(PRIVATE_KEY)}\n`;
  const found = await analyze(T.awsInstance, "s1", { ...awsInstance({ keyName: "k" }), userData: secret(ud) });
  expect(found).toEqual([{ policy: "hafen-no-plaintext-secrets", level: pb.EnforcementLevel.MANDATORY, message: expect.stringMatching(/^aws:ec2\/instance:Instance "s1" userData line 4: a private key/) }]);
  expect(await analyze(T.awsInstance, "s2", { ...awsInstance({ keyName: "k" }), userData: UNKNOWN_STRING })).toEqual([]);
});

test("stack policies run over the stack's resources, and config reaches the policies", async () => {
  const resource = (name: string, zone: string) =>
    new pb.AnalyzerResource().setType(T.awsInstance).setName(name).setUrn(urnOf(T.awsInstance, name)).setProperties(Struct.fromJavaScript(awsControl("web", zone) as never)).setOptions(options());
  const stack = new pb.AnalyzeStackRequest().setResourcesList([resource("c1", "a"), resource("c2", "b")]);
  const res = await call<pb.AnalyzeStackRequest, pb.AnalyzeResponse>(client.analyzeStack, stack);
  expect(res.getDiagnosticsList().map((d) => [d.getPolicyname(), ownMessage(d.getPolicyname(), d.getMessage()).slice(0, 40), d.getUrn()])).toEqual([["hafen-control-count", 'cluster "web" has 2 control machines (c1', ""]]);

  const config = new pb.ConfigureAnalyzerRequest();
  config.getPolicyconfigMap().set("hafen-control-memory", new pb.PolicyConfig().setEnforcementlevel(pb.EnforcementLevel.MANDATORY).setProperties(Struct.fromJavaScript({ minimumMiB: 65536 })));
  await call<pb.ConfigureAnalyzerRequest, Empty>(client.configure, config);
  const memory = await analyze(T.awsInstance, "c3", awsControl("web", "a"));
  expect(memory).toEqual([{ policy: "hafen-control-memory", level: pb.EnforcementLevel.MANDATORY, message: expect.stringMatching(/"m6i\.large" has 8192 MiB of memory; .* needs at least 65536 MiB/) }]);
});

test("only index.ts constructs the PolicyPack (a second one in a process exits it)", () => {
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
  const constructing = files(PACK).filter((f) => /new PolicyPack\(/.test(readFileSync(f, "utf8")));
  expect(constructing.map((f) => f.slice(PACK.length + 1))).toEqual(["index.ts"]);
});
