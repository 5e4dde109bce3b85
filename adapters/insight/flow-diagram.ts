// Draws a flow as an SVG diagram for the dashboard: the intents that start it, then its steps
// top to bottom, "if" steps branching side by side (yes left, no right) and joining again below.
// Kefu draws the SVG itself instead of shipping a graph-layout library (dagre, mermaid, elk):
// a flow is a sequence with nested branches, a tree that lays out in a few lines of recursion,
// and SVG text built here needs no browser-side library at all. Every label is XML-escaped.

import type { FlowDefinition, Step } from '../../dialogs/flows/flow-types.ts';

const W = 200;
const H = 34;
const GAP_Y = 26;
const GAP_X = 24;
const MAX_LABEL = 30;

type Kind = 'trigger' | 'say' | 'ask' | 'set' | 'if' | 'action' | 'goto' | 'handoff' | 'end';

interface DiagramNode {
  id: number;
  x: number;
  y: number;
  kind: Kind;
  label: string;
}

interface DiagramEdge {
  from: number;
  to: number;
  label?: string;
}

interface Block {
  width: number;
  height: number;
  first: number | null;
  /** Nodes whose flow continues to whatever comes after the block. */
  open: { id: number; label?: string }[];
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function shorten(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ')];
  return chars.length > MAX_LABEL ? `${chars.slice(0, MAX_LABEL - 1).join('')}…` : chars.join('');
}

function describe(step: Step): { kind: Kind; label: string; ends: boolean } {
  if (step === 'end') return { kind: 'end', label: 'end', ends: true };
  if ('say' in step) return { kind: 'say', label: `say ${step.say}`, ends: false };
  if ('ask' in step) return { kind: 'ask', label: `ask ${step.ask}`, ends: false };
  if ('set' in step) return { kind: 'set', label: `set ${Object.keys(step.set).join(', ')}`, ends: false };
  if ('action' in step) return { kind: 'action', label: `action ${step.action}`, ends: false };
  if ('goto' in step) return { kind: 'goto', label: `go to ${step.goto}`, ends: true };
  if ('handoff' in step) return { kind: 'handoff', label: `person: ${step.handoff}`, ends: true };
  return { kind: 'if', label: `if ${step.if}`, ends: false };
}

class Layout {
  readonly nodes: DiagramNode[] = [];
  readonly edges: DiagramEdge[] = [];

  node(x: number, y: number, kind: Kind, label: string): number {
    const id = this.nodes.length;
    this.nodes.push({ id, x, y, kind, label: shorten(label) });
    return id;
  }

  connect(open: { id: number; label?: string }[], to: number): void {
    for (const from of open) this.edges.push({ from: from.id, to, ...(from.label ? { label: from.label } : {}) });
  }

  steps(steps: readonly Step[], x: number, y: number, entry: { id: number; label?: string }[]): Block {
    let open = entry;
    let height = 0;
    let width = W;
    let first: number | null = null;
    for (const step of steps) {
      const top = y + height;
      const { kind, label, ends } = describe(step);
      if (kind === 'if' && typeof step === 'object' && 'if' in step) {
        const thenBlock = this.measure(step.then);
        const elseBlock = step.else?.length ? this.measure(step.else) : null;
        const blockWidth = Math.max(W, thenBlock.width + (elseBlock ? GAP_X + elseBlock.width : 0));
        const id = this.node(x + (blockWidth - W) / 2, top, 'if', label);
        this.connect(open, id);
        first ??= id;
        const below = top + H + GAP_Y;
        const yes = this.steps(step.then, x, below, [{ id, label: 'yes' }]);
        const no = elseBlock ? this.steps(step.else!, x + thenBlock.width + GAP_X, below, [{ id, label: 'no' }]) : null;
        open = [...yes.open, ...(no ? no.open : [{ id, label: 'no' }])];
        height += H + GAP_Y + Math.max(yes.height, no?.height ?? 0);
        width = Math.max(width, blockWidth);
        continue;
      }
      const id = this.node(x, top, kind, label);
      this.connect(open, id);
      first ??= id;
      open = ends ? [] : [{ id }];
      height += H + GAP_Y;
    }
    return { width, height, first, open };
  }

  /** Size of a block without drawing it (a throwaway layout). */
  private measure(steps: readonly Step[]): Block {
    return new Layout().steps(steps, 0, 0, []);
  }
}

const COLOURS: Record<Kind, string> = {
  trigger: '#dbeafe', say: '#f1f5f9', ask: '#fef9c3', set: '#f1f5f9', if: '#ede9fe',
  action: '#dcfce7', goto: '#e0f2fe', handoff: '#ffedd5', end: '#e2e8f0',
};

/** The flow as a standalone SVG document. */
export function flowDiagramSvg(name: string, flow: FlowDefinition): string {
  const layout = new Layout();
  const triggers = flow.trigger === undefined ? [] : Array.isArray(flow.trigger) ? flow.trigger : [flow.trigger];
  const start = layout.node(0, 0, 'trigger', triggers.length ? `when: ${triggers.join(', ')}` : `flow ${name}`);
  const body = layout.steps(flow.steps, 0, H + GAP_Y, [{ id: start }]);
  const width = Math.max(W, body.width) + 2;
  const height = H + GAP_Y + body.height + 2;
  const centre = (n: DiagramNode): number => n.x + W / 2 + 1;
  const parts: string[] = [];
  for (const edge of layout.edges) {
    const a = layout.nodes[edge.from]!;
    const b = layout.nodes[edge.to]!;
    const [x1, y1, x2, y2] = [centre(a), a.y + H + 1, centre(b), b.y + 1];
    parts.push(`<path d="M${x1},${y1} C${x1},${(y1 + y2) / 2} ${x2},${(y1 + y2) / 2} ${x2},${y2}" fill="none" stroke="#64748b" marker-end="url(#arrow)"/>`);
    if (edge.label) parts.push(`<text x="${(x1 + x2) / 2 + 4}" y="${(y1 + y2) / 2}" font-size="10" fill="#475569">${escapeXml(edge.label)}</text>`);
  }
  for (const node of layout.nodes) {
    parts.push(
      `<g class="step ${node.kind}"><rect x="${node.x + 1}" y="${node.y + 1}" width="${W}" height="${H}" rx="${node.kind === 'if' ? 14 : 5}" fill="${COLOURS[node.kind]}" stroke="#94a3b8"/>` +
        `<text x="${centre(node)}" y="${node.y + H / 2 + 5}" text-anchor="middle" font-size="12" font-family="sans-serif">${escapeXml(node.label)}</text></g>`,
    );
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="flow ${escapeXml(name)}">` +
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#64748b"/></marker></defs>' +
    parts.join('') +
    '</svg>'
  );
}
