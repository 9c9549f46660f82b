// Checks live responses against the served OpenAPI document: the status must
// be documented for the operation, the content type too, and the body must
// validate against the documented schema.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildOpenApiDocument } from '../../../server/openapi.js';
import { addFormats } from '../../support/ajv-formats.js';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export class Contract {
  readonly doc: Doc;
  private readonly ajv: Ajv2020;
  private readonly templates: { template: string; pattern: RegExp }[];

  constructor(doc: unknown = buildOpenApiDocument()) {
    this.doc = doc as Doc;
    this.ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    this.ajv.addSchema(doc as object, 'openapi.json');
    this.templates = Object.keys(this.doc.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+').replace(/\{\w+\}/g, '[^/]+')}$`),
    }));
  }

  templateOf(pathname: string): string | undefined {
    return this.templates.find(({ pattern }) => pattern.test(pathname))?.template;
  }

  /** Throws an Error describing how the response breaks the contract. */
  check(method: string, pathname: string, status: number, contentType: string | null, body: unknown): void {
    const media = (contentType ?? '').split(';')[0].trim();
    const template = this.templateOf(pathname);
    const operation = template ? this.doc.paths[template][method.toLowerCase()] : undefined;
    const what = `${method} ${pathname} → ${status}`;
    // 431 comes from node's HTTP parser before any route is chosen
    if (!operation || status === 431) {
      // unknown routes and other methods on a known path: a problem, not an operation
      if (status !== 404 && status !== 405 && status !== 400 && status !== 431) throw new Error(`${what}: not a documented operation`);
      this.validate(`openapi.json#/components/schemas/Problem`, body, what);
      if (media !== 'application/problem+json') throw new Error(`${what}: content type ${media}, expected application/problem+json`);
      return;
    }
    const response = operation.responses[String(status)];
    if (!response) throw new Error(`${what}: status not documented (documented: ${Object.keys(operation.responses).join(', ')})`);
    if (!response.content) return;
    if (!response.content[media]) throw new Error(`${what}: content type ${media} not documented (${Object.keys(response.content).join(', ')})`);
    this.validate(
      `openapi.json#/paths/${escape(template!)}/${method.toLowerCase()}/responses/${status}/content/${escape(media)}/schema`,
      body,
      what,
    );
  }

  private validate(ref: string, body: unknown, what: string): void {
    const validate = this.ajv.getSchema(ref);
    if (!validate) throw new Error(`contract: no schema at ${ref}`);
    if (!validate(body)) throw new Error(`${what}: body does not match ${ref}: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
  }
}
