import { RegistryDiscoveryError } from '../errors/client.errors';
import type { RegistryConnection, ResolvedLocation } from '../internal/connection';
import { listQuery, segment } from '../internal/request-path';
import type {
  CallerIdentity,
  ListOrganizationsResponse,
  ListProjectsResponse,
  Organization,
  Project,
} from '../models';
import type { CallOptions } from '../options';
import type { ListCallOptions } from './pagination';
import { iteratePages } from './pagination';
import { IAM_CALLER_IDENTITY_PATH, RESOURCE_MANAGER_PREFIX } from './paths';

// Organizations, projects and the caller's identity: the calls outside the
// packer service, which need no organization/project scope.

/** Options of {@link RegistryClient.listProjects}. */
export interface ListProjectsOptions extends ListCallOptions {
  /** Organization to list (default: the client's organization, discovered if needed). */
  organizationId?: string;
}

export function listOrganizations(
  api: RegistryConnection,
  options?: ListCallOptions,
): Promise<ListOrganizationsResponse> {
  return api.request<ListOrganizationsResponse>('GET', `${RESOURCE_MANAGER_PREFIX}/organizations`, {
    query: listQuery(options),
    call: options,
  });
}

export async function listProjects(
  api: RegistryConnection,
  options?: ListProjectsOptions,
): Promise<ListProjectsResponse> {
  const organizationId =
    options?.organizationId ?? (await api.resolveOrganizationOnly(options)).organizationId;
  return projectsOf(api, organizationId, options);
}

function projectsOf(
  api: RegistryConnection,
  organizationId: string,
  options?: ListCallOptions,
): Promise<ListProjectsResponse> {
  segment('organizationId', organizationId);
  return api.request<ListProjectsResponse>('GET', `${RESOURCE_MANAGER_PREFIX}/projects`, {
    query: { 'scope.type': 'ORGANIZATION', 'scope.id': organizationId, ...listQuery(options) },
    call: options,
  });
}

export function getCallerIdentity(
  api: RegistryConnection,
  call?: CallOptions,
): Promise<CallerIdentity> {
  return api.request<CallerIdentity>('GET', IAM_CALLER_IDENTITY_PATH, { call });
}

/**
 * The organization and project a client without fixed ids works in: the one
 * organization the credentials see (several or none is an error), then its
 * oldest project, as Packer picks.
 */
export async function discoverLocation(
  api: RegistryConnection,
  timeoutMs: number | undefined,
): Promise<ResolvedLocation> {
  const call: CallOptions = { timeoutMs };
  let organizationId = api.fixedOrganizationId;
  if (organizationId === undefined) {
    const organizations: Organization[] = [];
    for await (const organization of iteratePages(
      (token) => listOrganizations(api, { ...call, nextPageToken: token }),
      (page) => page.organizations ?? [],
    )) {
      organizations.push(organization);
    }
    if (organizations.length !== 1) {
      const ids = organizations.map((organization) => organization.id);
      throw new RegistryDiscoveryError(
        organizations.length === 0
          ? 'No organization is visible to these credentials; pass organizationId, or check the credentials.'
          : `These credentials see ${organizations.length} organizations (${ids.join(', ')}); pass organizationId to choose one.`,
        ids,
      );
    }
    organizationId = organizations[0]!.id;
  }
  let projectId = api.fixedProjectId;
  if (projectId === undefined) {
    const projects: Project[] = [];
    for await (const project of iteratePages(
      (token) => projectsOf(api, organizationId, { ...call, nextPageToken: token }),
      (page) => page.projects ?? [],
    )) {
      projects.push(project);
    }
    const oldest = oldestProject(projects);
    if (oldest === undefined) {
      throw new RegistryDiscoveryError(
        `Organization ${organizationId} has no project; create one or pass projectId.`,
      );
    }
    projectId = oldest.id;
  }
  return { organizationId, projectId };
}

/** Projects with an unreadable `created_at` count as the newest. */
function oldestProject(projects: readonly Project[]): Project | undefined {
  let oldest: Project | undefined;
  let oldestTime = Number.POSITIVE_INFINITY;
  for (const project of projects) {
    const parsed = Date.parse(project.created_at);
    const time = Number.isNaN(parsed) ? Number.POSITIVE_INFINITY : parsed;
    if (oldest === undefined || time < oldestTime) {
      oldest = project;
      oldestTime = time;
    }
  }
  return oldest;
}
