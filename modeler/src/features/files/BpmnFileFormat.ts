// Reading and writing .bpmn files from disk. Placeholder until engine/interop lands (see report).
export async function readBpmnFile(_fileName: string, text: string): Promise<{ xml: string; notes: string[] }> {
  return { xml: text, notes: [] };
}

export async function writeBpmnFile(xml: string): Promise<string> {
  return xml;
}
