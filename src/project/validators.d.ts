// Types of the validation code that scripts/compile-schemas.mjs generates from schemas/ at build time.
import type { ValidateFunction } from 'ajv';

export declare const dtors: ValidateFunction;
export declare const frame: ValidateFunction;
export declare const annotation: ValidateFunction;
export declare const annotations: ValidateFunction;
export declare const cases: ValidateFunction;
export declare const summaries: ValidateFunction;
export declare const lock: ValidateFunction;
