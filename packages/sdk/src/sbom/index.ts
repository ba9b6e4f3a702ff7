export type { RootFileReader } from './root-file-reader';
export { OS_RELEASE_PATHS, parseOsRelease, readOsRelease } from './os-release';
export type { OsRelease } from './os-release';
export { parseApkInstalled, parseDpkgStatus } from './os-packages';
export type { OsPackage } from './os-packages';
export { OS_PACKAGE_PATHS, readOsPackages } from './read-os-packages';
export type { OsPackages } from './read-os-packages';
export { osPackagePurl } from './os-package-purl';
