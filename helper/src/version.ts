// nixlima's version, from package.json (inlined by the bundler).
import pkg from "../../package.json";

export const version: string = pkg.version;
