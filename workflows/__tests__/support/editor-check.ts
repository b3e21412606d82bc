import { NodeHelpers, type INode, type INodeTypeDescription } from 'n8n-workflow';
import type { WorkflowFile } from '../../src/runtime/workflow-json';

/**
 * What the n8n editor would complain about when opening a workflow: unknown node types or
 * versions, parameter issues (the red warning triangles), parameters the node does not have
 * (the editor silently drops them on save), and connections to nodes that do not exist.
 * `types` is the editor's own list, `/types/nodes.json` of the running n8n.
 */
export function editorProblems(workflow: WorkflowFile, types: INodeTypeDescription[]): string[] {
  const problems: string[] = [];
  const names = new Set(workflow.nodes.map((node) => node.name));
  for (const node of workflow.nodes) {
    const description = types.find(
      (type) =>
        type.name === node.type &&
        (Array.isArray(type.version) ? type.version.includes(node.typeVersion) : type.version === node.typeVersion),
    );
    if (!description) {
      problems.push(`${node.name}: unknown type ${node.type}@${node.typeVersion}`);
      continue;
    }
    const asNode = { ...node, id: node.id ?? node.name } as unknown as INode;
    const issues = NodeHelpers.getNodeParametersIssues(description.properties, asNode, description);
    if (issues) problems.push(`${node.name}: ${JSON.stringify(issues)}`);
    const resolved =
      NodeHelpers.getNodeParameters(
        description.properties,
        node.parameters as INode['parameters'],
        true,
        false,
        asNode,
        description,
      ) ?? {};
    for (const key of Object.keys(node.parameters)) {
      if (!(key in resolved))
        problems.push(`${node.name}: parameter "${key}" is not shown for this node and would be dropped`);
    }
  }
  for (const [from, outputs] of Object.entries(workflow.connections)) {
    if (!names.has(from)) problems.push(`connection from unknown node "${from}"`);
    for (const targets of Object.values(outputs as Record<string, Array<Array<{ node: string }>>>)) {
      for (const target of targets.flat())
        if (!names.has(target.node)) problems.push(`connection to unknown node "${target.node}"`);
    }
  }
  return problems;
}
