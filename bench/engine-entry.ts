// Imported first by bench/engine.ts. Bundled into one file, every module's
// `require.main === module` check is true, so importing bench/store.ts (for its
// measurePutRate) would also run the whole store benchmark. Record whether this bundle
// is the program being run, then clear require.main so the store bench's guard stays off.
export const isEntry = typeof require !== "undefined" && require.main === module;
if (typeof require !== "undefined") (require as unknown as { main: unknown }).main = undefined;
