// bpmn-engine as Stratum drives it, through engine/runtime/engine-adapter.ts
// (and the benchmark's raw harness). The package ships declarations whose
// execution and element apis are mostly `any`; these describe only the calls
// Stratum makes, with the element apis of types/bpmn-elements.d.ts. As there,
// the interfaces take names the package's declarations do not use (its
// `Execution` would merge with one of that name here).
declare module 'bpmn-engine' {
  import type { ElementApi, Environment } from 'bpmn-elements';

  /** The options every Stratum engine is created with (execution-environment.ts). */
  export interface EngineOptions {
    name: string;
    sourceContext: unknown;
    settings?: Record<string, unknown>;
    services?: Record<string, unknown>;
    scripts?: unknown;
    timers?: unknown;
    elements?: Record<string, unknown>;
    disableDummyScript?: boolean;
    Logger?: (scope: string) => unknown;
    extensions?: Record<string, unknown>;
  }

  /** A process of a running definition. */
  export interface EngineProcess {
    readonly environment: Environment;
  }

  export interface EngineDefinition {
    getRunningProcesses(): EngineProcess[];
    getProcesses(): EngineProcess[];
  }

  /** What `execute` and `resume` run: the definitions, what waits in them, and how to reach it. */
  export interface EngineExecution {
    readonly definitions: EngineDefinition[];
    getPostponed(): ElementApi[];
    signal(message: { id: string; executionId?: string }): void;
    cancelActivity(message: { id: string }): void;
  }

  /** The engine's state as `getState` gives it; each definition's carries its serialized `source`. */
  export interface EngineState {
    [key: string]: unknown;
    definitions: { [key: string]: unknown; source?: unknown }[];
  }

  export class Engine {
    constructor(options: EngineOptions);
    readonly state: string;
    readonly execution?: EngineExecution;
    execute(options: { listener: unknown; variables?: Record<string, unknown> }): Promise<EngineExecution>;
    recover(state: unknown): Engine;
    resume(options: { listener: unknown }): Promise<EngineExecution>;
    getState(): Promise<EngineState>;
    on(event: string, listener: (...args: unknown[]) => void): this;
    once(event: string, listener: (...args: unknown[]) => void): this;
    off(event: string, listener: (...args: unknown[]) => void): this;
  }
}
