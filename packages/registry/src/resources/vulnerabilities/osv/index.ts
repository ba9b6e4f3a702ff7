/*
 * Offline OSV evaluation: validating OSV records, mapping purls to OSV
 * packages, ordering versions and deciding whether a version is affected.
 * Pure functions, no storage: the importer and the HTTP routes call them.
 */
export { matchName, osvPackageOf, splitOsvEcosystem, type OsvPackage } from './ecosystems';
export { parseOsvRecord, type OsvAffected, type OsvEvent, type OsvRecord } from './osv-record';
export { evaluate, type Evaluation } from './evaluate';
export { compareDebianVersions, hasComparator } from './versions';
