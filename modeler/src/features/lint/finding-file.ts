// Which file of a deployment a server finding is about. Deploy… sends the open diagram as `<key>.bpmn` beside the
// drafts and .dmn files chosen to go with it, and the server names each finding's file (and a deployed caller as
// `<key> (deployed)`); element ids repeat from file to file (the shipped library's `EndEvent_OrderRejected`, the
// template's `StartEvent_1`), so only the open file's findings may be marked on the canvas.

/** Whether `finding` is about the open diagram, sent as `openFile`; a finding naming no file is about the one sent. */
export function isAboutOpenFile(finding: { file?: string }, openFile: string | undefined): boolean {
  return finding.file === undefined || openFile === undefined || finding.file === openFile;
}
