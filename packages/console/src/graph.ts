import type { AncestryChild, AncestryStatus, Version } from '@imprint/client';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { AncestryType, BucketAncestry, RegistryClient } from '@imprint/client';
import { PAGE_SIZE } from './session';

/** One version in the ancestry graph. */
export interface GraphNode {
  /** `bucket/fingerprint` */
  key: string;
  bucket: string;
  fingerprint: string;
  name: string;
  versionId: string;
  /** Above the focus (`ancestor`), the focus itself, or below it (`descendant`). */
  side: 'ancestor' | 'focus' | 'descendant';
  /** Filled by {@link loadVersions}; absent when the version could not be read. */
  version?: Version;
}

/** One parent → child relation. */
export interface GraphEdge {
  id: string;
  parent: string;
  child: string;
  status: AncestryStatus;
  /** True when the link came from a source image id rather than a declared parent. */
  inferred: boolean;
  channel: string;
}

export interface AncestryGraph {
  nodes: Map<string, GraphNode>;
  edges: GraphEdge[];
  /** True when the walk stopped at `limit` nodes. */
  truncated: boolean;
}

/** A laid-out graph: node boxes and edge polylines, in SVG user units. */
export interface GraphLayout {
  width: number;
  height: number;
  nodes: Map<string, { x: number; y: number; width: number; height: number }>;
  edges: Map<string, { x: number; y: number }[]>;
}

export const NODE_WIDTH = 196;
export const NODE_HEIGHT = 64;
const CONCURRENCY = 8;

export function nodeKey(bucket: string, fingerprint: string): string {
  return `${bucket}/${fingerprint}`;
}

/** Runs `work` over `items`, at most `CONCURRENCY` at a time. */
async function pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

/**
 * The pages of every relation on the way to all ancestors
 * (`ANCESTRY_TYPE_PARENTS`) or all descendants (`ANCESTRY_TYPE_CHILDREN`)
 * of a version, across buckets: ListBucketAncestry with the Imprint extension
 * `depth=all`. Nearest generations come first: parent links newest first,
 * child links oldest first (a link is made when its child is built).
 * `more` says whether another page follows; stop iterating to stop fetching.
 */
export async function* ancestryPages(
  api: RegistryClient,
  bucket: string,
  fingerprint: string,
  type: Exclude<AncestryType, 'ANCESTRY_TYPE_UNSET'>,
): AsyncGenerator<{ items: BucketAncestry[]; more: boolean }> {
  let nextPageToken: string | undefined;
  do {
    const page = await api.listBucketAncestry(bucket, {
      type,
      versionFingerprint: fingerprint,
      depth: 'all',
      orderBy: [type === 'ANCESTRY_TYPE_PARENTS' ? 'created_at desc' : 'created_at asc'],
      pageSize: PAGE_SIZE,
      nextPageToken,
    });
    nextPageToken = page.pagination?.next_page_token || undefined;
    yield { items: page.relations ?? [], more: nextPageToken !== undefined };
  } while (nextPageToken);
}

/**
 * Walks the ancestry of one version: its parents (and theirs) up, its children
 * (and theirs) down, across buckets, stopping at `limit` nodes. Each side is
 * one paginated `depth=all` listing (see {@link ancestryPages}),
 * not a request per node; no further page is fetched once the limit is
 * reached, and the graph is then marked truncated.
 * `direction: 'down'` walks descendants only (what a revocation reaches).
 *
 * @example
 * ```ts
 * const graph = await walkAncestry(api, { bucket, fingerprint, name, id });
 * await loadVersions(api, graph.nodes.values());
 * ```
 */
export async function walkAncestry(
  api: RegistryClient,
  focus: { bucket: string; fingerprint: string; name: string; id: string },
  options: { limit?: number; direction?: 'both' | 'down' } = {},
): Promise<AncestryGraph> {
  const limit = options.limit ?? 500;
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  let truncated = false;
  const focusKey = nodeKey(focus.bucket, focus.fingerprint);
  nodes.set(focusKey, {
    key: focusKey,
    bucket: focus.bucket,
    fingerprint: focus.fingerprint,
    name: focus.name,
    versionId: focus.id,
    side: 'focus',
  });

  /** Adds the node unless known; false when the limit refused it. */
  const addNode = (ref: AncestryChild, side: GraphNode['side']): boolean => {
    const key = nodeKey(ref.bucket_name, ref.version_fingerprint);
    if (nodes.has(key)) return true;
    if (nodes.size >= limit) {
      truncated = true;
      return false;
    }
    nodes.set(key, {
      key,
      bucket: ref.bucket_name,
      fingerprint: ref.version_fingerprint,
      name: ref.version_name,
      versionId: ref.version_id,
      side,
    });
    return true;
  };

  const walk = async (up: boolean): Promise<void> => {
    const side = up ? 'ancestor' : 'descendant';
    const pages = ancestryPages(
      api,
      focus.bucket,
      focus.fingerprint,
      up ? 'ANCESTRY_TYPE_PARENTS' : 'ANCESTRY_TYPE_CHILDREN',
    );
    for await (const page of pages) {
      for (const relation of page.items) {
        const { parent, child } = relation;
        if (!parent || !child) continue;
        // Both ends lie on this side (or are the focus): the listing holds only
        // relations on the way to the ancestors (descendants). The end nearer
        // the focus goes in first.
        const [near, far] = up ? [child, parent] : [parent, child];
        if (!addNode(near, side) || !addNode(far, side)) continue;
        const parentKey = nodeKey(parent.bucket_name, parent.version_fingerprint);
        const childKey = nodeKey(child.bucket_name, child.version_fingerprint);
        const id = `${parentKey}->${childKey}${relation.inferred ? ':inferred' : ''}`;
        if (edges.has(id)) continue;
        edges.set(id, {
          id,
          parent: parentKey,
          child: childKey,
          status: relation.status,
          inferred: relation.inferred === true,
          channel: parent.channel_name ?? '',
        });
      }
      if (page.more && nodes.size >= limit) {
        truncated = true;
        break;
      }
    }
  };

  await Promise.all([options.direction === 'down' ? undefined : walk(true), walk(false)]);
  return { nodes, edges: [...edges.values()], truncated };
}

/**
 * Reads each node's version (status, revocation) through the API, at most
 * `CONCURRENCY` requests at a time; a version that cannot be read is left
 * without one.
 */
export async function loadVersions(api: RegistryClient, nodes: Iterable<GraphNode>): Promise<void> {
  await pool([...nodes], async (node) => {
    try {
      node.version = await api.getVersion(node.bucket, node.fingerprint);
    } catch {
      node.version = undefined;
    }
  });
}

/** Lays the graph out with ELK's layered algorithm: parents above, children below. */
export async function layoutGraph(graph: AncestryGraph): Promise<GraphLayout> {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const input: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.nodeNodeBetweenLayers': '64',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.padding': '[top=24,left=24,bottom=24,right=24]',
    },
    children: [...graph.nodes.values()].map((node) => ({
      id: node.key,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
    })),
    edges: graph.edges.map((edge): ElkExtendedEdge => ({
      id: edge.id,
      sources: [edge.parent],
      targets: [edge.child],
    })),
  };
  const result: ElkNode = await elk.layout(input);
  const nodes = new Map<string, { x: number; y: number; width: number; height: number }>();
  for (const child of result.children ?? []) {
    nodes.set(child.id, {
      x: child.x ?? 0,
      y: child.y ?? 0,
      width: child.width ?? NODE_WIDTH,
      height: child.height ?? NODE_HEIGHT,
    });
  }
  const edges = new Map<string, { x: number; y: number }[]>();
  for (const edge of (result.edges ?? []) as ElkExtendedEdge[]) {
    const points = (edge.sections ?? []).flatMap((section) => [
      section.startPoint,
      ...(section.bendPoints ?? []),
      section.endPoint,
    ]);
    edges.set(edge.id, points);
  }
  return { width: result.width ?? 0, height: result.height ?? 0, nodes, edges };
}
