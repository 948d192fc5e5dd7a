// The API's discovery document (Google API Discovery format, as fleet publishes its v1
// API), so clients generated for fleet's API find the same resources here. rootUrl is
// filled from the request's own address.
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
