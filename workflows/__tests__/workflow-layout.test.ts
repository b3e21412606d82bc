import type { WorkflowFile } from '../src/runtime/workflow-json';
import { readWorkflowDir } from '../src/runtime/workflow-files';
import { WORKFLOWS_ROOT } from '../src/runtime/paths';

// How the flows read on the n8n canvas: every branch runs left to right next to where it
// starts (no wire across the canvas to a shared node far away), only a loop's wire goes back,
// nodes do not sit on each other, and every failure report ends the run as an error. A wire
// may run one column further only to skip an optional step (Audit on? → the first step when the
// audit is off): the nodes of that step lie between its ends and join them by another way.
const COLUMN = 220;

interface Edge {
  from: string;
  to: string;
}

function edgesOf(workflow: WorkflowFile): Edge[] {
  const edges: Edge[] = [];
  for (const [from, outputs] of Object.entries(workflow.connections)) {
    for (const targets of Object.values(outputs as Record<string, Array<Array<{ node: string }>>>))
      for (const target of targets.flat()) edges.push({ from, to: target.node });
  }
  return edges;
}

/** Whether `edge` skips a step: another way from its start to its end, through nodes between its ends. */
function bypasses(edges: Edge[], edge: Edge, x: (name: string) => number): boolean {
  const between = (name: string) => x(name) > x(edge.from) && x(name) < x(edge.to);
  const seen = new Set<string>();
  const queue = edges.filter((e) => e !== edge && e.from === edge.from).map((e) => e.to);
  while (queue.length) {
    const node = queue.shift() as string;
    if (node === edge.to) return true;
    if (seen.has(node) || !between(node)) continue;
    seen.add(node);
    queue.push(...edges.filter((e) => e.from === node).map((e) => e.to));
  }
  return false;
}

function reaches(edges: Edge[], start: string, goal: string): boolean {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length) {
    const node = queue.shift() as string;
    if (node === goal) return true;
    if (seen.has(node)) continue;
    seen.add(node);
    queue.push(...edges.filter((e) => e.from === node).map((e) => e.to));
  }
  return false;
}

describe.each(['basic_clean.json', 'model_pose12.json', 'video_album.json', 'fitting.json', 'travel.json'])(
  'the layout of %s',
  (file) => {
    let workflow: WorkflowFile;
    beforeAll(async () => {
      const found = (await readWorkflowDir(WORKFLOWS_ROOT)).find((w) => w.file.endsWith(file));
      if (!found) throw new Error(`${file} not found`);
      workflow = found.workflow;
    });
    const x = (name: string) => workflow.nodes.find((n) => n.name === name)?.position[0] ?? NaN;

    it('wires go right, at most two columns (three to skip a step), except the one back into a loop', () => {
      const edges = edgesOf(workflow);
      const skips = (e: Edge) => x(e.to) - x(e.from) <= 3 * COLUMN && bypasses(edges, e, x);
      const long = edges
        .filter((e) => x(e.to) > x(e.from) && x(e.to) - x(e.from) > 2 * COLUMN && !skips(e))
        .map((e) => `${e.from} → ${e.to}`);
      const backwards = edges
        .filter((e) => x(e.to) <= x(e.from) && !reaches(edges, e.to, e.from))
        .map((e) => `${e.from} → ${e.to}`);
      expect({ long, backwards }).toEqual({ long: [], backwards: [] });
    });

    it('no two nodes overlap', () => {
      const nodes = workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
      const overlapping: string[] = [];
      for (const [i, a] of nodes.entries())
        for (const b of nodes.slice(i + 1)) {
          if (Math.abs(a.position[0] - b.position[0]) < 200 && Math.abs(a.position[1] - b.position[1]) < 100)
            overlapping.push(`${a.name} / ${b.name}`);
        }
      expect(overlapping).toEqual([]);
    });

    it('a node set to continue through its error output has that output wired to a failure report', () => {
      const outputsOf = (name: string) =>
        ((workflow.connections[name] as Record<string, Array<Array<{ node: string }>>> | undefined)?.main ?? []).map(
          (targets) => (targets ?? []).map((t) => workflow.nodes.find((n) => n.name === t.node)),
        );
      for (const node of workflow.nodes.filter((n) => n.onError === 'continueErrorOutput')) {
        // n8n adds the error output after the node's own: here the second (index 1).
        const [success, error] = outputsOf(node.name);
        expect({ node: node.name, success: success?.length, error: error?.map((n) => n?.parameters.event) }).toEqual({
          node: node.name,
          success: 1,
          error: ['failed'],
        });
      }
    });

    it('every failure report is followed by a Stop and Error, so failed tasks are failed executions', () => {
      const edges = edgesOf(workflow);
      const failureReports = workflow.nodes.filter(
        (n) => n.type === 'n8n-nodes-aiphoto.aiPhotoCallback' && n.parameters.event === 'failed',
      );
      expect(failureReports.length).toBeGreaterThan(0);
      for (const report of failureReports) {
        const next = edges
          .filter((e) => e.from === report.name)
          .map((e) => workflow.nodes.find((n) => n.name === e.to));
        expect({ report: report.name, next: next.map((n) => n?.type) }).toEqual({
          report: report.name,
          next: ['n8n-nodes-base.stopAndError'],
        });
      }
    });
  },
);
