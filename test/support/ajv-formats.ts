// ajv-formats for the tests' own ajv instances (the OpenAPI document's schemas name date-time and uri formats, which a
// bare ajv ignores with a warning for each): CommonJS, whose default export arrives wrapped under NodeNext.
import type { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

export const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
