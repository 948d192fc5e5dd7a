import { decodeAnswer, envelope, propSetOf, SOAP_ENV, XSI } from "../../../components/vsphere/soap";
import { readOptionValues, readServiceContent, readTask, readVmInfo, sessionCookie } from "../../../components/vsphere/readers";
import { checkClone, checkHardware, cloneSpec, configSpec } from "../../../components/vsphere/specs";
import { elementsOf, parseXml, type XmlElement } from "../../../components/vsphere/xml";
import { describeProblem, type VsphereProblem } from "../../../components/vsphere/types";

const wrap = (body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:xsi="${XSI}" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

function problemOf(method: string, status: number, body: string): VsphereProblem {
  const r = decodeAnswer(method, status, body);
  if (r.ok) throw new Error("expected a problem");
  return r.problem;
}

function responseOf(method: string, body: string): XmlElement {
  const r = decodeAnswer(method, 200, wrap(body));
  if (!r.ok) throw new Error(describeProblem(r.problem));
  return r.response;
}

describe("decodeAnswer", () => {
  test("returns the <method>Response element", () => {
    const res = responseOf("FindByInventoryPath", `<FindByInventoryPathResponse xmlns="urn:vim25"><returnval type="VirtualMachine">vm-57</returnval></FindByInventoryPathResponse>`);
    expect(res.name).toBe("FindByInventoryPathResponse");
  });

  test("maps a fault to its xsi:type, message and simple fields", () => {
    const p = problemOf(
      "RetrievePropertiesEx",
      500,
      wrap(
        `<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>The object has already been deleted</faultstring><detail><ManagedObjectNotFoundFault xmlns="urn:vim25" xsi:type="ManagedObjectNotFound"><obj type="VirtualMachine">vm-9</obj></ManagedObjectNotFoundFault></detail></soapenv:Fault>`,
      ),
    );
    expect(p).toEqual({ kind: "fault", method: "RetrievePropertiesEx", faultType: "ManagedObjectNotFound", message: "The object has already been deleted", fields: { obj: "VirtualMachine:vm-9" } });
    expect(describeProblem(p)).toMatch(/RetrievePropertiesEx failed with ManagedObjectNotFound: .*obj=VirtualMachine:vm-9/);
  });

  test("a fault without xsi:type takes the element name; without detail the faultcode", () => {
    const named = problemOf("Login", 500, wrap(`<soapenv:Fault><faultcode>x</faultcode><faultstring>no</faultstring><detail><InvalidLoginFault xmlns="urn:vim25"/></detail></soapenv:Fault>`));
    expect(named).toMatchObject({ faultType: "InvalidLogin" });
    const bare = problemOf("Login", 500, wrap(`<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>boom</faultstring></soapenv:Fault>`));
    expect(bare).toMatchObject({ kind: "fault", faultType: "Server", message: "boom" });
  });

  test("a non-XML error page is an http problem with a short snippet", () => {
    const p = problemOf("Login", 502, `<html><body>Bad Gateway ${"x".repeat(1000)}</body></html`);
    expect(p).toMatchObject({ kind: "http", status: 502 });
    expect(p.kind === "http" && p.snippet.length).toBeLessThanOrEqual(201);
    expect(problemOf("Login", 404, "<html><body>not here</body></html>")).toMatchObject({ kind: "http", status: 404 });
  });

  test.each([
    ["malformed XML", "<soapenv:Envelope", /malformed XML at line 1, column \d+/],
    ["plain text", "hello", /malformed XML/],
    ["wrong root", "<html/>", /root element is <html>/],
    ["no Body", `<e:Envelope xmlns:e="${SOAP_ENV}"><e:Header/></e:Envelope>`, /no Body/],
    ["empty Body", wrap(""), /Body is empty/],
    ["another method's response", wrap(`<LoginResponse xmlns="urn:vim25"/>`), /holds <LoginResponse>, expected <LogoutResponse>/],
  ])("a 200 answer with %s is a response problem naming it", (_label, body, message) => {
    const p = problemOf("Logout", 200, body);
    expect(p.kind).toBe("response");
    expect(describeProblem(p)).toMatch(message);
  });

  test("an oversized answer is refused by the parser limit", () => {
    const big = wrap(`<LogoutResponse xmlns="urn:vim25">${"<x/>".repeat(5000)}</LogoutResponse>`);
    const r = decodeAnswer("Logout", 200, big, { maxChars: 1000 });
    expect(r.ok).toBe(false);
    expect(!r.ok && describeProblem(r.problem)).toMatch(/too-large/);
  });

  test("unexpected extra elements are ignored by the readers", () => {
    const res = responseOf(
      "RetrievePropertiesEx",
      `<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><surprise>1</surprise><objects><obj type="Task">task-1</obj><junk/><propSet><name>info.state</name><val xsi:type="TaskInfoState">success</val><extra>z</extra></propSet><propSet><name>info.result</name><val type="VirtualMachine" xsi:type="ManagedObjectReference">vm-2</val></propSet></objects></returnval></RetrievePropertiesExResponse>`,
    );
    const props = propSetOf(elementsOf(elementsOf(res)[0]!, "objects")[0]!);
    expect(readTask(props)).toEqual({ ok: true, value: { state: "success", result: { type: "VirtualMachine", value: "vm-2" } } });
  });
});

describe("readers", () => {
  const props = (pairs: Record<string, string>): Map<string, XmlElement> => {
    const m = new Map<string, XmlElement>();
    for (const [k, v] of Object.entries(pairs)) {
      const r = parseXml(`<val xmlns:xsi="${XSI}">${v}</val>`);
      if (!r.ok) throw new Error(r.problem.message);
      m.set(k, r.root);
    }
    return m;
  };

  test("readTask reports an error task's fault and refuses unknown states", () => {
    const err = readTask(props({ "info.state": "error", "info.error": `<fault xsi:type="DuplicateName"><name>n1</name></fault><localizedMessage>The name 'n1' already exists.</localizedMessage>` }));
    expect(err).toEqual({ ok: true, value: { state: "error", error: { faultType: "DuplicateName", message: "The name 'n1' already exists.", fields: { name: "n1" } } } });
    expect(readTask(props({ "info.state": "exploded" }))).toMatchObject({ ok: false, message: expect.stringMatching(/"exploded"; expected one of queued/) });
    expect(readTask(new Map())).toMatchObject({ ok: false });
  });

  test("readVmInfo reads typed facts; last duplicate extraConfig key wins", () => {
    const ref = { type: "VirtualMachine", value: "vm-1" };
    const r = readVmInfo(
      ref,
      props({
        name: "n1",
        "runtime.powerState": "poweredOn",
        "guest.ipAddress": "10.0.0.5",
        "config.hardware.numCPU": "4",
        "config.hardware.memoryMB": "4096",
        "config.template": "false",
        "config.extraConfig": `<OptionValue><key>a</key><value>1</value></OptionValue><OptionValue><key>a</key><value>2</value></OptionValue><OptionValue><key>b</key></OptionValue>`,
      }),
    );
    expect(r).toEqual({ ok: true, value: { ref, name: "n1", powerState: "poweredOn", ipAddress: "10.0.0.5", numCpus: 4, memoryMb: 4096, template: false, extraConfig: { a: "2", b: "" } } });
    expect(readVmInfo(ref, props({ name: "n1", "runtime.powerState": "melted" }))).toMatchObject({ ok: false });
    expect(readVmInfo(ref, props({ name: "n1", "runtime.powerState": "poweredOff", "config.hardware.numCPU": "x" }))).toMatchObject({ ok: false });
  });

  test("readOptionValues on an empty array", () => {
    expect(readOptionValues(props({ v: "" }).get("v")!)).toEqual({});
  });

  test("readServiceContent names the missing reference", () => {
    const r = readServiceContent(responseOf("RetrieveServiceContent", `<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval><rootFolder type="Folder">group-d1</rootFolder></returnval></RetrieveServiceContentResponse>`));
    expect(r).toEqual({ ok: false, message: "service content has no propertyCollector reference" });
  });

  test("sessionCookie picks vmware_soap_session only", () => {
    expect(sessionCookie(["other=1; Path=/", 'vmware_soap_session="abc"; Path=/; HttpOnly'])).toBe('vmware_soap_session="abc"');
    expect(sessionCookie(["vmware_soap_session=; Path=/"])).toBeUndefined();
    expect(sessionCookie([])).toBeUndefined();
  });
});

describe("request specs", () => {
  const ref = (type: string, value: string) => ({ type, value });

  test("the envelope puts _this first and parses back", () => {
    const doc = envelope("PowerOnVM_Task", ref("VirtualMachine", "vm-1"));
    const r = parseXml(doc);
    expect(r.ok).toBe(true);
    expect(doc).toContain(`<PowerOnVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-1</_this></PowerOnVM_Task>`);
  });

  test("config spec fields follow the WSDL order and values are escaped", () => {
    const xml = configSpec("spec", { extraConfig: { "guestinfo.x": "<a&b>" }, memoryMb: 2048, numCpus: 2 }).xml;
    expect(xml.indexOf("<numCPUs>")).toBeLessThan(xml.indexOf("<memoryMB>"));
    expect(xml.indexOf("<memoryMB>")).toBeLessThan(xml.indexOf("<extraConfig"));
    expect(xml).toContain(`<value xsi:type="xsd:string">&lt;a&amp;b&gt;</value>`);
  });

  test("clone spec: location, template, config, powerOn in order; datastore optional", () => {
    const base = { name: "n1", folder: ref("Folder", "f"), pool: ref("ResourcePool", "p") };
    const xml = cloneSpec({ ...base, datastore: ref("Datastore", "d"), numCpus: 2 }).xml;
    const order = ["<location", "<datastore", "<pool", "<template>", "<config", "<powerOn>"].map((t) => xml.indexOf(t));
    expect(order.every((v, i) => v >= 0 && (i === 0 || v > order[i - 1]!))).toBe(true);
    expect(cloneSpec(base).xml).not.toContain("<config");
  });

  test("checkHardware / checkClone collect every problem with its field", () => {
    const problems = checkHardware({ numCpus: 0, memoryMb: 1001, extraConfig: { "bad key": "v", ok: "\u0001" } }, "reconfigure");
    expect(problems.map((p) => p.kind === "invalid-input" && p.field)).toEqual([
      "reconfigure.numCpus",
      "reconfigure.memoryMb",
      'reconfigure.extraConfig["bad key"]',
      'reconfigure.extraConfig["ok"]',
    ]);
    expect(checkClone({ name: "", folder: ref("Folder", "f"), pool: ref("ResourcePool", "p") })[0]).toMatchObject({ field: "clone.name" });
    expect(checkClone({ name: "x".repeat(81), folder: ref("Folder", "f"), pool: ref("ResourcePool", "p") })).toHaveLength(1);
    expect(checkHardware({ numCpus: 2, memoryMb: 4096, extraConfig: { "guestinfo.a": "x" } }, "r")).toEqual([]);
  });
});
