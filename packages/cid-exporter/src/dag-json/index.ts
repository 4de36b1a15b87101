export { encodeDagJson, encodeDagJsonString, internForEncoding, DagJsonEncodeError } from './encode.js';
export { decodeDagJson, isCanonicalDagJson, type DecodeOptions } from './decode.js';
export { parseJsonStrict, JsonSyntaxError } from './parse.js';
export { parseJson } from './decode.js';
