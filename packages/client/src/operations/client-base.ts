import type { ListAuditEventsResponse } from '../contract/audit';
import type { CallerIdentity, ListOrganizationsResponse, ListProjectsResponse } from '../models';
import type { IssuedToken, OperationArgs, ResolvedLocation } from '../internal/connection';
import { RegistryConnection } from '../internal/connection';
import type { CallOptions, RegistryClientOptions } from '../options';
import * as audit from './audit';
import * as resourceManager from './resource-manager';

/**
 * The part of {@link RegistryClient} outside the Packer API: its connection, and the
 * operations about where and who the credentials are (location, resource manager,
 * identity, tokens, the audit log). `RegistryClient` extends it with the Packer API's operations;
 * construct a `RegistryClient`, not this class.
 */
export class RegistryClientBase {
  protected readonly connection: RegistryConnection;

  constructor(options: RegistryClientOptions) {
    this.connection = new RegistryConnection(options);
  }

  // ---- location -----------------------------------------------------------

  /**
   * The organization and project this client works in. Ids given to the
   * constructor are used as they are; a missing organization is discovered
   * (the credentials must see exactly one), then a missing project (the
   * organization's oldest, as Packer picks). Discovery runs once; a failed
   * discovery is retried on the next call.
   */
  resolveLocation(call?: CallOptions): Promise<ResolvedLocation> {
    return this.connection.resolveLocation(call);
  }

  // ---- resource manager -----------------------------------------------------

  /** Organizations visible to the credentials (`GET /resource-manager/2019-12-10/organizations`). */
  listOrganizations(
    ...args: OperationArgs<typeof resourceManager.listOrganizations>
  ): Promise<ListOrganizationsResponse> {
    return resourceManager.listOrganizations(this.connection, ...args);
  }

  /**
   * Projects of an organization (`GET /resource-manager/2019-12-10/projects?scope.type=ORGANIZATION&scope.id=…`).
   */
  listProjects(
    ...args: OperationArgs<typeof resourceManager.listProjects>
  ): Promise<ListProjectsResponse> {
    return resourceManager.listProjects(this.connection, ...args);
  }

  // ---- identity -------------------------------------------------------------

  /** Who the credentials are (`GET /iam/2019-12-10/caller-identity`): principal id, name and role. */
  getCallerIdentity(
    ...args: OperationArgs<typeof resourceManager.getCallerIdentity>
  ): Promise<CallerIdentity> {
    return resourceManager.getCallerIdentity(this.connection, ...args);
  }

  /**
   * A fresh access token for the client credentials, and the epoch ms after
   * which it should not be used any more (`undefined`: until rejected), for
   * a caller that keeps the token rather than the secret (the console keeps
   * it in `sessionStorage` and builds a client with `accessToken`).
   */
  requestAccessToken(call?: CallOptions): Promise<IssuedToken> {
    return this.connection.requestAccessToken(call);
  }

  // ---- audit log ------------------------------------------------------------

  /**
   * A page of the registry's audit log, newest first (`GET /imprint/v1/audit`,
   * an Imprint extension; admin only): mutating requests and failed
   * authentications. Follow `pagination.next_page_token` with `nextPageToken`.
   *
   * @example
   * ```ts
   * const { events } = await client.listAuditEvents({ outcome: 'denied', since: '2026-12-01T00:00:00Z' });
   * ```
   */
  listAuditEvents(
    ...args: OperationArgs<typeof audit.listAuditEvents>
  ): Promise<ListAuditEventsResponse> {
    return audit.listAuditEvents(this.connection, ...args);
  }
}
