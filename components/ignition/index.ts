// What the other stages use of the Ignition stage: the component.
export { IgnitionConfigs } from "./component";
