/**
 * Wire types of the HCP Packer registry API, 2023-01-01 (as Imprint's
 * registry serves it). They are the static types of the schemas in
 * ./contract, where each model is defined once; this module keeps the names
 * importable from './models' and holds the client-side list options.
 */

export type * from './contract';

/** Client-side list parameters, sent as `pagination.*` / `sorting.order_by` query parameters. */
export interface ListOptions {
  /** `pagination.page_size` */
  pageSize?: number;
  /** `pagination.next_page_token` from the previous page. */
  nextPageToken?: string;
  /** `pagination.previous_page_token`, to page backwards. */
  previousPageToken?: string;
  /** `sorting.order_by`, e.g. `['name', 'created_at desc']`. */
  orderBy?: string[];
}
