// Browser libraries of the bpmn.io ecosystem that ship no TypeScript declarations.
declare module 'bpmn-js-properties-panel' {
  import type { ModuleDeclaration } from 'didi';
  export const BpmnPropertiesPanelModule: ModuleDeclaration;
  export const BpmnPropertiesProviderModule: ModuleDeclaration;
  export const ZeebePropertiesProviderModule: ModuleDeclaration;
  /** A service of the modeler's injector, from inside a properties panel entry. */
  export function useService<T = unknown>(name: string, strict?: boolean): T;
}
declare module 'bpmn-js-bpmnlint';
declare module 'bpmn-js-token-simulation';
declare module 'bpmn-js-token-simulation/lib/*';
declare module 'bpmn-js-differ' {
  /** The elements added, removed, changed (with their changed attributes) and moved, by id. */
  export function diff(oldDefinitions: unknown, newDefinitions: unknown): {
    _added: Record<string, unknown>;
    _removed: Record<string, unknown>;
    _changed: Record<string, unknown>;
    _layoutChanged: Record<string, unknown>;
  };
}
declare module 'zeebe-bpmn-moddle/resources/zeebe.json';
declare module '@bpmn-io/properties-panel' {
  /** Preact entries of the properties panel; what they render is the panel's business. */
  export function CheckboxEntry(props: {
    element: unknown; id: string; label: string; description?: string;
    getValue(): boolean; setValue(value: boolean): void;
  }): unknown;
  export function TextFieldEntry(props: {
    element: unknown; id: string; label: string; description?: string; debounce: unknown;
    getValue(): string; setValue(value: string, error?: string): void; validate?(value: string): string | undefined;
  }): unknown;
  export function SelectEntry(props: {
    element: unknown; id: string; label: string;
    getValue(): string; setValue(value: string): void; getOptions(): { value: string; label: string }[];
  }): unknown;
}
declare module '@bpmn-io/properties-panel/preact' {
  /** preact's createElement, as the properties panel bundles it. */
  export function h(type: unknown, props?: Record<string, unknown> | null, ...children: unknown[]): unknown;
  /** A rendered element, as far as Stratum reads one. */
  export interface VNode {
    props: Record<string, unknown>;
  }
  /** preact's cloneElement: the element with `props` over its own. */
  export function cloneElement(vnode: VNode, props?: Record<string, unknown>): VNode;
}
declare module '@bpmn-io/properties-panel/preact/hooks' {
  /** preact's useCallback, of the preact the properties panel renders with. */
  export function useCallback<T extends (...args: never[]) => unknown>(callback: T, inputs: unknown[]): T;
}
declare module 'diagram-js/lib/util/*';
declare module 'diagram-js-minimap' {
  import type { ModuleDeclaration } from 'didi';
  const MinimapModule: ModuleDeclaration;
  export default MinimapModule;
}
declare module 'bpmn-js-element-templates' {
  import type { ModuleDeclaration } from 'didi';
  /** Camunda 8 (zeebe) element templates in the properties panel. */
  export const CloudElementTemplatesPropertiesProviderModule: ModuleDeclaration;
}
declare module 'dmn-js/lib/Viewer' {
  /** One view of a DMN file: its DRD, or a decision's table or expression. */
  interface View {
    type: string;
    element: { id: string; name?: string };
  }
  /** dmn-js's read-only viewer (DRD, decision tables, literal and boxed expressions). */
  export default class DmnViewer {
    constructor(options: { container: HTMLElement });
    importXML(xml: string): Promise<{ warnings: unknown[] }>;
    getViews(): View[];
    getActiveView(): View | undefined;
    open(view: View): Promise<unknown>;
    destroy(): void;
  }
}
