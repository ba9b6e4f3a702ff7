import type { EmbeddedMode } from '../auth/embedded-mode';
import type { RegistryStorage } from '../domain/registry-contract';
import type { RegistryScope } from './registry-scope';

/** What route plugins get as options: the storage and the server-wide state. */
export type RouteContext = {
  readonly storage: RegistryStorage;
  readonly scope: RegistryScope;
  readonly embedded: EmbeddedMode;
  readonly tokenTtlSeconds: number;
};
