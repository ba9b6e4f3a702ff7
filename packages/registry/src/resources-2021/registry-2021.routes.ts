import {
  EmptyResponse,
  V2021CreateRegistryBody,
  V2021DeleteRegistryQuerystring,
  V2021GetRegistryResponse,
  V2021UpdateRegistryBody,
} from '@imprint/client';
import { packerResource } from '../http/packer-operation';
import { RegistryErrors } from '../errors/registry-errors';

/**
 * `…/registry`: GetRegistry as in 2023-01-01 (Packer v1.9.4 reads it during
 * discovery when only HCP_PROJECT_ID is set). Create, update and delete are
 * refused (400 / code 9): one self-hosted registry serves one project and is
 * always active with every feature.
 */
export const registry2021Routes = packerResource('v2021-registry', (app, operation, service) => {
  app.get(
    '/registry',
    operation({
      operationId: 'V2021_GetRegistry',
      access: 'viewer',
      summary: 'Get the registry (2021-04-30)',
      description: 'The registry of the project: always activated, feature_tier PLUS.',
      response: V2021GetRegistryResponse,
    }),
    async () => ({ registry: await service.getRegistry() }),
  );

  const refused = (operationId: string) => async () => {
    throw new RegistryErrors.RegistryManaged({ operation: operationId.replace('V2021_', '') });
  };
  const description =
    'Refused (400 / code 9): this self-hosted registry always exists and is active with every feature.';

  app.put(
    '/registry',
    operation({
      operationId: 'V2021_CreateRegistry',
      access: 'admin',
      summary: 'Create the registry (2021-04-30): refused',
      description,
      body: V2021CreateRegistryBody,
      response: EmptyResponse,
    }),
    refused('V2021_CreateRegistry'),
  );

  app.patch(
    '/registry',
    operation({
      operationId: 'V2021_UpdateRegistry',
      access: 'admin',
      summary: 'Update the registry (2021-04-30): refused',
      description,
      body: V2021UpdateRegistryBody,
      response: EmptyResponse,
    }),
    refused('V2021_UpdateRegistry'),
  );

  app.delete(
    '/registry',
    operation({
      operationId: 'V2021_DeleteRegistry',
      access: 'admin',
      summary: 'Delete the registry (2021-04-30): refused',
      description,
      querystring: V2021DeleteRegistryQuerystring,
      response: EmptyResponse,
    }),
    refused('V2021_DeleteRegistry'),
  );
});
