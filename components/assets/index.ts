// What the stages' components use to write their files: the resource of this project's plugin.
export { OTHW_PLUGIN_VERSION, RenderedFiles } from "./resource";
export type { RenderedFileSpec, RenderedFilesArgs } from "./resource";
