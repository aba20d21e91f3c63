import { formatIssues, WorkspaceDocument } from '../../../shared/contract';

/** The file a person chose, checked on the page: nothing reaches the engine unless it is a workspace. */
export function readWorkspaceFile(text: string): { document: WorkspaceDocument } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { problem: `It is not JSON (${err instanceof Error ? err.message : String(err)}).` };
  }
  const parsed = WorkspaceDocument.safeParse(json);
  return parsed.success ? { document: parsed.data } : { problem: formatIssues(parsed.error) };
}
