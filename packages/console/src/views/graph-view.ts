import { html, nothing, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import type { RegistryClient } from '@imprint/client';
import { plural, shortFingerprint, statusKind, statusLabel, versionHref } from '../format';
import {
  layoutGraph,
  loadVersions,
  NODE_HEIGHT,
  NODE_WIDTH,
  walkAncestry,
  type AncestryGraph,
  type GraphLayout,
  type GraphNode,
} from '../graph';

const MIN_SCALE = 0.02;
const MAX_SCALE = 2;

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/**
 * The ancestry graph of one version: parents above, children below, across
 * buckets, laid out by ELK (layered). Nodes are links (Tab, Enter, arrow keys);
 * the viewport scrolls and drags, and the toolbar zooms.
 */
export class GraphView {
  graph: AncestryGraph | undefined;
  private layout: GraphLayout | undefined;
  private state: 'loading' | 'done' | 'error' = 'loading';
  private error = '';
  private scale = 1;
  private layoutMs = 0;
  private scrolledToFocus = false;
  private run = 0;

  constructor(
    private readonly api: RegistryClient,
    private readonly focus: { bucket: string; fingerprint: string; name: string; id: string },
    private readonly update: () => void,
  ) {}

  /** Walks the ancestry, reads each version's status, and lays the graph out. */
  async load(): Promise<void> {
    const run = ++this.run;
    this.state = 'loading';
    const started = performance.now();
    try {
      const graph = await walkAncestry(this.api, this.focus, { limit: 500 });
      await loadVersions(this.api, graph.nodes.values());
      const layout = await layoutGraph(graph);
      if (run !== this.run) return;
      this.graph = graph;
      this.layout = layout;
      this.layoutMs = Math.round(performance.now() - started);
      this.state = 'done';
    } catch (error) {
      if (run !== this.run) return;
      this.state = 'error';
      this.error = error instanceof Error ? error.message : String(error);
    }
    this.update();
  }

  /** After render: bring the focus version into view once. */
  updated(viewport: HTMLElement | null): void {
    if (!viewport || this.state !== 'done' || this.scrolledToFocus || !this.layout) return;
    this.scrolledToFocus = true;
    const focus = this.layout.nodes.get(`${this.focus.bucket}/${this.focus.fingerprint}`);
    if (!focus) return;
    viewport.scrollLeft = Math.max(
      0,
      (focus.x + focus.width / 2) * this.scale - viewport.clientWidth / 2,
    );
    viewport.scrollTop = Math.max(
      0,
      (focus.y + focus.height / 2) * this.scale - viewport.clientHeight / 2,
    );
  }

  private zoom(factor: number | 'fit', viewport: HTMLElement | null): void {
    if (!this.layout) return;
    if (factor === 'fit') {
      const width = viewport?.clientWidth ?? 800;
      const height = viewport ? parseFloat(getComputedStyle(viewport).maxHeight) || 500 : 500;
      this.scale = Math.min(1, width / this.layout.width, height / this.layout.height);
    } else {
      this.scale *= factor;
    }
    this.scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.scale));
    this.update();
  }

  render(): TemplateResult {
    if (this.state === 'loading') {
      return html`<p class="loading" aria-busy="true" data-testid="graph-loading">
        Loading the ancestry…
      </p>`;
    }
    if (this.state === 'error') {
      return html`<p class="error" role="alert">Could not load the ancestry: ${this.error}</p>`;
    }
    const graph = this.graph!;
    const layout = this.layout!;
    const viewport = (event: Event): HTMLElement | null =>
      (event.currentTarget as HTMLElement).closest('.graph')?.querySelector('.graph-viewport') ??
      null;
    return html`<div
      class="graph"
      data-testid="ancestry-graph"
      data-layout="done"
      data-node-count=${graph.nodes.size}
      data-edge-count=${graph.edges.length}
      data-layout-ms=${this.layoutMs}
    >
      <div class="graph-toolbar" role="toolbar" aria-label="Graph zoom">
        <button
          type="button"
          @click=${(e: Event) => this.zoom(1 / 1.25, viewport(e))}
          aria-label="Zoom out"
        >
          −
        </button>
        <button
          type="button"
          @click=${(e: Event) => this.zoom(1.25, viewport(e))}
          aria-label="Zoom in"
        >
          +
        </button>
        <button type="button" @click=${(e: Event) => this.zoom('fit', viewport(e))}>Fit</button>
        <button
          type="button"
          @click=${() => {
            this.scale = 1;
            this.update();
          }}
        >
          100%
        </button>
        <span class="muted small"
          >${plural(graph.nodes.size, 'version')},
          ${plural(graph.edges.length, 'link')}${graph.truncated ? ' (truncated at 500)' : ''}</span
        >
      </div>
      <ul class="legend" aria-label="Legend">
        <li><span class="swatch edge-declared" aria-hidden="true"></span> declared parent</li>
        <li>
          <span class="swatch edge-inferred" aria-hidden="true"></span> inferred from source image
        </li>
        <li><span class="swatch edge-out-of-date" aria-hidden="true"></span> out of date</li>
        <li><span class="swatch node-revoked" aria-hidden="true"></span> revoked</li>
        <li><span class="swatch node-inherited" aria-hidden="true"></span> revoked (inherited)</li>
      </ul>
      <div class="graph-viewport" @pointerdown=${startPan}>
        <svg
          xmlns="http://www.w3.org/2000/svg"
          width=${Math.ceil(layout.width * this.scale)}
          height=${Math.ceil(layout.height * this.scale)}
          viewBox="0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}"
          role="group"
          aria-label="Ancestry of ${this.focus.bucket} ${this.focus.name}: parents above, children below"
          @keydown=${(event: KeyboardEvent) => this.onKey(event)}
        >
          <defs>
            ${['arrow', 'arrow-stale'].map(
              (id) => svg`<marker
                id=${id}
                viewBox="0 0 10 10"
                refX="10"
                refY="5"
                markerWidth="7"
                markerHeight="7"
                orient="auto-start-reverse"
              >
                <path d="M 0 0 L 10 5 L 0 10 z" class=${id === 'arrow' ? 'arrow-head' : 'arrow-head stale'}></path>
              </marker>`,
            )}
          </defs>
          <g class="edges">${graph.edges.map((edge) => this.edge(edge.id, layout))}</g>
          <g class="nodes">${[...graph.nodes.values()].map((node) => this.node(node, layout))}</g>
        </svg>
      </div>
    </div>`;
  }

  private edge(id: string, layout: GraphLayout): SVGTemplateResult | typeof nothing {
    const edge = this.graph!.edges.find((e) => e.id === id)!;
    const points = layout.edges.get(id);
    if (!points || points.length < 2) return nothing;
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x} ${p.y}`).join(' ');
    const stale = edge.status === 'OUT_OF_DATE';
    const classes = ['edge', edge.inferred ? 'inferred' : 'declared', stale ? 'out-of-date' : '']
      .filter(Boolean)
      .join(' ');
    const mid = points[Math.floor(points.length / 2)];
    const before = points[Math.floor(points.length / 2) - 1];
    return svg`<g class=${classes} data-parent=${edge.parent} data-child=${edge.child} data-status=${edge.status}>
      <title>${edge.parent} → ${edge.child}: ${edge.inferred ? 'inferred from the source image id' : `declared${edge.channel ? ` (channel ${edge.channel})` : ''}`}${stale ? ', out of date' : ''}</title>
      <path d=${d} marker-end=${stale ? 'url(#arrow-stale)' : 'url(#arrow)'}></path>
      ${
        stale
          ? svg`<text class="edge-label" x=${(mid.x + before.x) / 2 + 6} y=${(mid.y + before.y) / 2}>out of date</text>`
          : nothing
      }
    </g>`;
  }

  private node(node: GraphNode, layout: GraphLayout): SVGTemplateResult | typeof nothing {
    const box = layout.nodes.get(node.key);
    if (!box) return nothing;
    const kind = statusKind(node.version);
    const bucket = clip(node.bucket, 24);
    const fingerprint = shortFingerprint(node.fingerprint, 14);
    // The name starts with the visible text (WCAG 2.5.3, label in name), then
    // gives the bucket in full where the box clips it; aria-current marks this version.
    const label =
      `${bucket} ${node.name} · ${fingerprint}, ${statusLabel(kind)}` +
      (bucket === node.bucket ? '' : `, bucket ${node.bucket}`);
    return svg`<a
      class="node status-${kind} ${node.side}"
      href=${versionHref(node.bucket, node.fingerprint)}
      data-key=${node.key}
      data-bucket=${node.bucket}
      data-fingerprint=${node.fingerprint}
      data-status=${kind}
      aria-label=${label}
      aria-current=${node.side === 'focus' ? 'page' : nothing}
      transform="translate(${box.x} ${box.y})"
    >
      <rect width=${NODE_WIDTH} height=${NODE_HEIGHT} rx="6"></rect>
      <text class="node-bucket" x="10" y="19">${bucket}</text>
      <text class="node-version" x="10" y="37">${node.name} · ${fingerprint}</text>
      <text class="node-status" x="10" y="55">${statusLabel(kind)}</text>
    </a>`;
  }

  /** Arrow keys move between nodes: up/down to the nearest node above/below, left/right along the row. */
  private onKey(event: KeyboardEvent): void {
    const directions: Record<string, [number, number]> = {
      ArrowUp: [0, -1],
      ArrowDown: [0, 1],
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
    };
    const direction = directions[event.key];
    const current = (event.target as Element).closest?.('a.node');
    if (!direction || !current || !this.layout) return;
    const from = this.layout.nodes.get(current.getAttribute('data-key') ?? '');
    if (!from) return;
    let best: { key: string; score: number } | undefined;
    for (const [key, box] of this.layout.nodes) {
      const dx = box.x - from.x;
      const dy = box.y - from.y;
      const along = dx * direction[0] + dy * direction[1];
      if (along <= 0) continue;
      const across = Math.abs(dx * direction[1]) + Math.abs(dy * direction[0]);
      const score = along + across * 2;
      if (!best || score < best.score) best = { key, score };
    }
    if (!best) return;
    event.preventDefault();
    const svgElement = event.currentTarget as SVGSVGElement;
    const target = [...svgElement.querySelectorAll<SVGAElement>('a.node')].find(
      (a) => a.getAttribute('data-key') === best!.key,
    );
    target?.focus();
  }
}

/** Drag the background to pan the scrollable viewport. */
function startPan(event: PointerEvent): void {
  if (event.button !== 0 || (event.target as Element).closest('a.node')) return;
  const viewport = event.currentTarget as HTMLElement;
  const start = {
    x: event.clientX,
    y: event.clientY,
    left: viewport.scrollLeft,
    top: viewport.scrollTop,
  };
  viewport.setPointerCapture(event.pointerId);
  viewport.classList.add('panning');
  const move = (e: PointerEvent): void => {
    viewport.scrollLeft = start.left - (e.clientX - start.x);
    viewport.scrollTop = start.top - (e.clientY - start.y);
  };
  const end = (): void => {
    viewport.classList.remove('panning');
    viewport.removeEventListener('pointermove', move);
    viewport.removeEventListener('pointerup', end);
    viewport.removeEventListener('pointercancel', end);
  };
  viewport.addEventListener('pointermove', move);
  viewport.addEventListener('pointerup', end);
  viewport.addEventListener('pointercancel', end);
}
