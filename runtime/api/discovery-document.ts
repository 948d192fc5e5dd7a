// The API's discovery document (Google API Discovery format, as fleet publishes its v1
// API), so clients generated for fleet's API find the same resources here. rootUrl is
// filled from the address the request was sent to (fleet ships a placeholder instead).
// Beyond fleet's own document it lists Machines.Patch, the metadata JSON-Patch endpoint
// that fleet serves but never described.
const str = { type: "string" } as const;

const schemas = {
  Machine: {
    id: "Machine",
    type: "object",
    properties: {
      id: { ...str, required: true },
      primaryIP: str,
      metadata: { type: "object", additionalProperties: str },
    },
  },
  MachinePage: {
    id: "MachinePage",
    type: "object",
    properties: { machines: { type: "array", items: { $ref: "Machine" } }, nextPageToken: str },
  },
  UnitOption: {
    id: "UnitOption",
    type: "object",
    properties: { section: str, name: str, value: str },
  },
  Unit: {
    id: "Unit",
    type: "object",
    properties: {
      name: str,
      options: { type: "array", items: { $ref: "UnitOption" } },
      desiredState: { ...str, enum: ["inactive", "loaded", "launched"] },
      currentState: { ...str, enum: ["inactive", "loaded", "launched"] },
      machineID: { ...str, required: true },
    },
  },
  UnitPage: {
    id: "UnitPage",
    type: "object",
    properties: { units: { type: "array", items: { $ref: "Unit" } }, nextPageToken: str },
  },
  UnitState: {
    id: "UnitState",
    type: "object",
    properties: { name: str, hash: str, machineID: str, systemdLoadState: str, systemdActiveState: str, systemdSubState: str },
  },
  MachineMetadataOperation: {
    id: "MachineMetadataOperation",
    type: "object",
    properties: {
      op: { ...str, enum: ["add", "remove", "replace"], required: true },
      path: { ...str, description: "/<machineID>/metadata/<key>", required: true },
      value: { ...str, description: "required for add and replace" },
    },
  },
  MachineMetadataPatch: {
    id: "MachineMetadataPatch",
    type: "array",
    items: { $ref: "MachineMetadataOperation" },
  },
  UnitStatePage: {
    id: "UnitStatePage",
    type: "object",
    properties: { states: { type: "array", items: { $ref: "UnitState" } }, nextPageToken: str },
  },
};

const pageToken = { nextPageToken: { type: "string", location: "query" } };

export function discoveryDocument(requestUrl: URL): unknown {
  return {
    kind: "discovery#restDescription",
    discoveryVersion: "v1",
    id: "fleet:v1",
    name: "fleet",
    version: "v1",
    title: "fleet API (served by Hafen)",
    protocol: "rest",
    rootUrl: `${requestUrl.origin}/`,
    servicePath: "fleet/v1/",
    baseUrl: `${requestUrl.origin}/fleet/v1/`,
    basePath: "/fleet/v1/",
    schemas,
    resources: {
      Machines: {
        methods: {
          List: { id: "fleet.Machine.List", httpMethod: "GET", path: "machines", parameters: pageToken, response: { $ref: "MachinePage" } },
          Patch: { id: "fleet.Machine.Patch", httpMethod: "PATCH", path: "machines", request: { $ref: "MachineMetadataPatch" } },
        },
      },
      Units: {
        methods: {
          List: { id: "fleet.Unit.List", httpMethod: "GET", path: "units", parameters: pageToken, response: { $ref: "UnitPage" } },
          Get: {
            id: "fleet.Unit.Get",
            httpMethod: "GET",
            path: "units/{unitName}",
            parameters: { unitName: { type: "string", location: "path", required: true } },
            response: { $ref: "Unit" },
          },
          Set: {
            id: "fleet.Unit.Set",
            httpMethod: "PUT",
            path: "units/{unitName}",
            parameters: { unitName: { type: "string", location: "path", required: true } },
            request: { $ref: "Unit" },
          },
          Delete: {
            id: "fleet.Unit.Delete",
            httpMethod: "DELETE",
            path: "units/{unitName}",
            parameters: { unitName: { type: "string", location: "path", required: true } },
          },
        },
      },
      UnitState: {
        methods: {
          Get: {
            id: "fleet.UnitState.Get",
            httpMethod: "GET",
            path: "state/{unitName}",
            parameters: { unitName: { type: "string", location: "path", required: true } },
            response: { $ref: "UnitState" },
          },
          List: {
            id: "fleet.UnitState.List",
            httpMethod: "GET",
            path: "state",
            parameters: {
              ...pageToken,
              machineID: { type: "string", location: "query" },
              unitName: { type: "string", location: "query" },
            },
            response: { $ref: "UnitStatePage" },
          },
        },
      },
    },
  };
}
