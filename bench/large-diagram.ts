// A large but ordinary diagram for the modeler benchmark: a chain of tasks laid
// out in rows, each row's end joined to the next row's start, with full DI and
// <incoming>/<outgoing> references, as Camunda Modeler writes them.
export function largeDiagram(tasks: number, perRow = 25): { xml: string; elements: number } {
  const semantic: string[] = ['<bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>Flow_0</bpmn:outgoing></bpmn:startEvent>'];
  const shapes: string[] = ['<bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="100" y="122" width="36" height="36" /></bpmndi:BPMNShape>'];
  const edges: string[] = [];
  const position = (index: number) => ({ x: 180 + (index % perRow) * 150, y: 100 + Math.floor(index / perRow) * 160 });
  let previous = { id: 'Start', right: 136, middleY: 140 };
  for (let index = 0; index < tasks; index++) {
    const id = `Task_${index}`;
    const { x, y } = position(index);
    const outgoing = index === tasks - 1 ? 'Flow_End' : `Flow_${index + 1}`;
    semantic.push(`<bpmn:task id="${id}" name="Check item ${index}"><bpmn:incoming>Flow_${index}</bpmn:incoming><bpmn:outgoing>${outgoing}</bpmn:outgoing></bpmn:task>`);
    shapes.push(`<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${x}" y="${y}" width="100" height="80" /></bpmndi:BPMNShape>`);
    const flow = `Flow_${index}`;
    semantic.push(`<bpmn:sequenceFlow id="${flow}" sourceRef="${previous.id}" targetRef="${id}" />`);
    const waypoints = previous.middleY === y + 40
      ? [[previous.right, y + 40], [x, y + 40]]
      : [[previous.right, previous.middleY], [previous.right + 20, previous.middleY], [previous.right + 20, y - 20], [x - 20, y - 20], [x - 20, y + 40], [x, y + 40]];
    edges.push(`<bpmndi:BPMNEdge id="${flow}_di" bpmnElement="${flow}">${waypoints.map(([wx, wy]) => `<di:waypoint x="${wx}" y="${wy}" />`).join('')}</bpmndi:BPMNEdge>`);
    previous = { id, right: x + 100, middleY: y + 40 };
  }
  const end = position(tasks);
  semantic.push('<bpmn:endEvent id="End" name="End"><bpmn:incoming>Flow_End</bpmn:incoming></bpmn:endEvent>', `<bpmn:sequenceFlow id="Flow_End" sourceRef="${previous.id}" targetRef="End" />`);
  shapes.push(`<bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="${end.x}" y="${end.y + 22}" width="36" height="36" /></bpmndi:BPMNShape>`);
  edges.push(`<bpmndi:BPMNEdge id="Flow_End_di" bpmnElement="Flow_End"><di:waypoint x="${previous.right}" y="${previous.middleY}" /><di:waypoint x="${end.x}" y="${end.y + 40}" /></bpmndi:BPMNEdge>`);
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="Definitions_large" targetNamespace="http://stratum.dev/bench">
  <bpmn:process id="large-process" name="Large process" isExecutable="true">
    ${semantic.join('\n    ')}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_large">
    <bpmndi:BPMNPlane id="Plane_large" bpmnElement="large-process">
      ${[...shapes, ...edges].join('\n      ')}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
  return { xml, elements: tasks * 2 + 3 };
}
