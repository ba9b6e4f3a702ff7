/**
 * `@imprint/client`: a typed client for the Imprint registry and any server
 * speaking the HCP Packer registry API (2023-01-01).
 * @packageDocumentation
 */
export type * from './models';
