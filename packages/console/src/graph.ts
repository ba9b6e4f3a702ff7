import type { AncestryStatus, Version } from '@imprint/client';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { RegistryApi } from './api';

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
 * Walks the ancestry API from one version: parents (and their parents) up,
 * children (and theirs) down, across buckets, stopping at `limit` nodes.
 * `direction: 'down'` walks descendants only (what a revocation reaches).
 */
export async function walkAncestry(
  api: RegistryApi,
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

  const addNode = (
    ref: {
      bucket_name: string;
      version_fingerprint: string;
      version_name: string;
      version_id: string;
    },
    side: GraphNode['side'],
  ): GraphNode | undefined => {
    const key = nodeKey(ref.bucket_name, ref.version_fingerprint);
    const existing = nodes.get(key);
    if (existing) return undefined;
    if (nodes.size >= limit) {
      truncated = true;
      return undefined;
    }
    const node: GraphNode = {
      key,
      bucket: ref.bucket_name,
      fingerprint: ref.version_fingerprint,
      name: ref.version_name,
      versionId: ref.version_id,
      side,
    };
    nodes.set(key, node);
    return node;
  };
  const addEdge = (
    parent: string,
    child: string,
    edge: Omit<GraphEdge, 'id' | 'parent' | 'child'>,
  ) => {
    const id = `${parent}->${child}${edge.inferred ? ':inferred' : ''}`;
    if (!edges.has(id)) edges.set(id, { id, parent, child, ...edge });
  };

  const walk = async (start: GraphNode, up: boolean): Promise<void> => {
    let frontier = [start];
    while (frontier.length > 0) {
      const found: GraphNode[] = [];
      await pool(frontier, async (node) => {
        const relations = await api.ancestry(
          node.bucket,
          node.fingerprint,
          up ? 'ANCESTRY_TYPE_PARENTS' : 'ANCESTRY_TYPE_CHILDREN',
        );
        for (const relation of relations) {
          const other = up ? relation.parent : relation.child;
          if (!other) continue;
          const added = addNode(other, up ? 'ancestor' : 'descendant');
          if (added) found.push(added);
          const otherKey = nodeKey(other.bucket_name, other.version_fingerprint);
          if (!nodes.has(otherKey)) continue;
          addEdge(up ? otherKey : node.key, up ? node.key : otherKey, {
            status: relation.status,
            inferred: relation.inferred === true,
            channel: relation.parent?.channel_name ?? '',
          });
        }
      });
      frontier = found;
    }
  };

  const start = nodes.get(focusKey)!;
  await Promise.all([
    options.direction === 'down' ? Promise.resolve() : walk(start, true),
    walk(start, false),
  ]);
  return { nodes, edges: [...edges.values()], truncated };
}

/** Reads every node's version (status, revocation) through the API. */
export async function loadVersions(api: RegistryApi, graph: AncestryGraph): Promise<void> {
  await pool([...graph.nodes.values()], async (node) => {
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
