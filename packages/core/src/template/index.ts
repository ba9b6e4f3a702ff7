/**
 * `@imprint/core/template`: loading and validating templates, without the
 * runner (and so without the registry client): what `imprint validate` needs.
 */
export { loadTemplate, parseTemplate, TEMPLATE_SCHEMA_PATH } from './load-template';
export { registryDataBlocks, BUILTIN_DATA_SOURCE_NAMES } from '../data/builtin-data-sources';
export type {
  Template,
  DataDefinition,
  DataReferenceSite,
  SourceDefinition,
  PostProcessorDefinition,
  BuildBlock,
  RegistryBlock,
  VariableOptions,
  VariableType,
} from './template';
export { validateTemplate } from './validate-template';
export type { PlannedBuild, PreparedTemplate, ValidateOptions } from './validate-template';
