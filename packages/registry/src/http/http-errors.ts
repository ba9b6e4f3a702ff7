/*
 * The HTTP layer's error codes, where the package index and older imports
 * find them; every registry error is a row of ../errors/registry-error-table.ts.
 */
export { HTTP_ERROR_REASONS } from '../errors/registry-error-codes';
export type { HttpErrorReason } from '../errors/registry-error-codes';
