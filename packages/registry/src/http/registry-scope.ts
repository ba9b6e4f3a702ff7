import type { Registry } from '@imprint/client';
import type { RegistryService } from '../domain/registry-contract';
import { RegistryErrors } from '../errors/registry-errors';

/** The organization and project this registry serves. */
export interface Tenancy {
  readonly organizationId: string;
  readonly projectId: string;
  readonly createdAt: string;
}

/**
 * One registry serves one organization and one project (its `location`).
 * Every packer path names them; unknown ids are 404 / code 5 with a message
 * naming the ids that exist, so a misconfigured `HCP_ORGANIZATION_ID` is
 * obvious. The ids never change, so they are read once.
 */
export class RegistryScope {
  private tenancy: Promise<Tenancy> | undefined;
  /** The tenancy once read (it never changes), for the synchronous check. */
  private known: Tenancy | undefined;

  constructor(private readonly service: RegistryService) {}

  /** This registry's organization and project. */
  get(): Promise<Tenancy> {
    if (!this.tenancy) {
      const pending = this.service.getRegistry().then((registry: Registry) => {
        this.known = {
          organizationId: registry.location.organization_id,
          projectId: registry.location.project_id,
          createdAt: registry.created_at,
        };
        return this.known;
      });
      // A failed read (database down) is retried by the next request.
      pending.catch(() => {
        if (this.tenancy === pending) this.tenancy = undefined;
      });
      this.tenancy = pending;
    }
    return this.tenancy;
  }

  /** Throws 5 NOT_FOUND unless the ids are this registry's. */
  async check(organizationId: string, projectId?: string): Promise<Tenancy> {
    return this.checkAgainst(await this.get(), organizationId, projectId);
  }

  /**
   * {@link check} without waiting, once the tenancy has been read: `undefined`
   * when it has not (then call {@link check}).
   */
  checkNow(organizationId: string, projectId?: string): Tenancy | undefined {
    return this.known && this.checkAgainst(this.known, organizationId, projectId);
  }

  private checkAgainst(tenancy: Tenancy, organizationId: string, projectId?: string): Tenancy {
    const served = { organization_id: tenancy.organizationId, project_id: tenancy.projectId };
    if (organizationId !== tenancy.organizationId) {
      throw new RegistryErrors.OrganizationNotFound({ ...served, sent: organizationId });
    }
    if (projectId !== undefined && projectId !== tenancy.projectId) {
      throw new RegistryErrors.ProjectNotFound({ ...served, sent: projectId });
    }
    return tenancy;
  }
}
