/*
 * Where the domain layer (and older imports) find the registry's errors; they
 * are defined in ../errors/ (the base class, the codes and the table).
 */
export { GrpcCode, RegistryError } from '../errors/registry-error';
export { RegistryErrorReason } from '../errors/registry-error-codes';
export { RegistryErrors } from '../errors/registry-errors';
export { quote } from '../errors/message-format';
