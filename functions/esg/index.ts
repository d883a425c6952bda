export { esgFunctions } from "./esg-functions.js";
