// The parts of camunda-external-task-client-js (no declarations of its own)
// the Camunda 7 compatibility test drives.
declare module 'camunda-external-task-client-js' {
  export class Variables {
    get(name: string): unknown;
    getAll(): Record<string, unknown>;
    set(name: string, value: unknown): this;
    setTyped(name: string, typed: { value: unknown; type: string; valueInfo?: Record<string, unknown> }): this;
  }
  export interface Task {
    id: string;
    topicName: string;
    businessKey?: string;
    /** null until a failure or an operator set them: a worker starts its own count then. */
    retries: number | null;
    variables: Variables;
    /** The element's extension properties, when the subscription asked for them (includeExtensionProperties). */
    extensionProperties?: Record<string, string>;
  }
  export interface TaskService {
    complete(task: Task, variables?: Variables, localVariables?: Variables): Promise<void>;
    handleFailure(task: Task, options: { errorMessage?: string; errorDetails?: string; retries?: number; retryTimeout?: number }): Promise<void>;
    handleBpmnError(task: Task, errorCode: string, errorMessage?: string, variables?: Variables): Promise<void>;
    extendLock(task: Task, newDuration: number): Promise<void>;
    /** A task by its id (or the task) that the worker did not fetch: POST …/{id}/lock (Camunda 7.21+). */
    lock(task: Task | string, duration: number): Promise<void>;
    unlock(task: Task): Promise<void>;
  }
  export interface ClientOptions {
    baseUrl: string;
    workerId?: string;
    maxTasks?: number;
    interval?: number;
    lockDuration?: number;
    asyncResponseTimeout?: number;
    autoPoll?: boolean;
    usePriority?: boolean;
    interceptors?: ((config: { headers?: Record<string, string> }) => unknown) | ((config: { headers?: Record<string, string> }) => unknown)[];
    use?: unknown;
  }
  export class Client {
    constructor(options: ClientOptions);
    /** What a handler gets as `taskService`, for a task the worker did not fetch. */
    readonly taskService: TaskService;
    subscribe(topic: string, options: { businessKey?: string; variables?: string[]; lockDuration?: number; localVariables?: boolean; includeExtensionProperties?: boolean }, handler: (args: { task: Task; taskService: TaskService }) => Promise<void>): unknown;
    on(event: string, listener: (...args: any[]) => void): this;
    start(): void;
    stop(): void;
  }
}
