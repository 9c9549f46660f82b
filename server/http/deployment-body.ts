// Reads the files of a deployment: multipart (`files`, `note`) or one XML
// document. A document type declaration (the door to XXE and entity
// expansion) is refused before any XML parser sees the text.
import type { Request, Response } from 'express';
import express from 'express';
import multer from 'multer';
import type { BpmnFile } from '../../engine/api.js';
import { HttpProblem } from '../problem.js';
import { FILE_NAME_PATTERN } from '../schemas/common.js';
import { charsetName, declaredEncoding, decodeXml, MalformedEncodingError, UnsupportedEncodingError, xmlEncodingOf } from '../../engine/interop/index.js';

const MAX_FILES = 50;
const FILE_NAME = new RegExp(FILE_NAME_PATTERN, 'u');
const DTD = /<!DOCTYPE|<!ENTITY/i;

export interface DeploymentInput {
  files: BpmnFile[];
  note?: string;
}

export async function readDeployment(req: Request, res: Response, limitBytes: number, query: { name?: string; note?: string }): Promise<DeploymentInput> {
  if (req.is('multipart/form-data')) return readMultipart(req, res, limitBytes, query);
  if (req.is(['application/xml', 'text/xml'])) return readXml(req, res, limitBytes, query);
  throw new HttpProblem(415, 'Send multipart/form-data with parts named "files", or one document as application/xml.');
}

function checkedFile(name: string, bytes: Buffer): BpmnFile {
  if (!FILE_NAME.test(name)) {
    throw new HttpProblem(422, `The file name "${name.slice(0, 80)}" is not allowed.`, { errors: [{ field: name.slice(0, 200), message: 'file names use letters, digits, spaces and . _ - ( )' }] });
  }
  if (!/\.(bpmn|bpmn20\.xml|dmn|xml)$/i.test(name)) {
    throw new HttpProblem(422, `${name} is neither a .bpmn nor a .dmn file.`, { errors: [{ field: name, message: 'must end in .bpmn, .dmn or .xml' }] });
  }
  if (bytes.length === 0) throw new HttpProblem(422, `${name} is empty.`, { errors: [{ field: name, message: 'is empty' }] });
  const xml = decodeDeclared(bytes, name);
  if (DTD.test(xml)) {
    throw new HttpProblem(422, `${name} contains a document type declaration (<!DOCTYPE or <!ENTITY); BPMN and DMN files never need one.`, {
      errors: [{ field: name, message: 'contains a DOCTYPE or ENTITY declaration' }],
    });
  }
  return { name, xml };
}

// helpers

/**
 * The file's text in the encoding its bytes say (engine/interop's reading, as `stratum convert` and the modeler read
 * files): a byte-order mark, UTF-16 without one, or the XML declaration (ISO-8859-1 and windows-1252, which
 * Enterprise Architect and older Visio add-ins write); UTF-8 otherwise. Bytes that do not decode are refused
 * naming the line, never replaced.
 */
function decodeDeclared(bytes: Buffer, name: string): string {
  try {
    // a UTF-8 byte-order mark is kept, so the file comes back byte for byte
    const mark = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? '\uFEFF' : '';
    return mark + decodeXml(bytes);
  } catch (error) {
    if (error instanceof MalformedEncodingError) {
      throw new HttpProblem(400, `${name} is ${error.message}.`, { errors: [{ field: name, message: error.message }] });
    }
    if (!(error instanceof UnsupportedEncodingError)) throw error;
    const encoding = declaredEncoding(bytes.subarray(0, 256).toString('latin1'));
    throw new HttpProblem(422, `${name} declares the encoding ${encoding}, which Stratum cannot read; save it as UTF-8.`, {
      errors: [{ field: name, message: `unsupported encoding ${encoding}` }],
    });
  }
}

function run(middleware: express.RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => middleware(req, res, (error?: unknown) => (error ? reject(error instanceof Error ? error : new Error(JSON.stringify(error))) : resolve())));
}

async function readXml(req: Request, res: Response, limitBytes: number, query: { name?: string; note?: string }): Promise<DeploymentInput> {
  await run(express.raw({ type: () => true, limit: limitBytes }), req, res);
  const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const name = query.name ?? 'upload.bpmn';
  assertCharsetOfFile(req, bytes, name);
  return { files: [checkedFile(name, bytes)], note: query.note };
}

/**
 * A file is read in the encoding its bytes say (its declaration, a byte-order mark), as a multipart upload is. A
 * `charset` parameter naming that encoding (`text/xml; charset=ISO-8859-1` for a file declaring it, as curl sends an
 * Enterprise Architect file) or UTF-8 (which clients add by default, and which never changed how a file was read) is
 * accepted; one naming another encoding contradicts the file, and reading it either way could garble it: 415 naming both.
 */
function assertCharsetOfFile(req: Request, bytes: Buffer, name: string): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1];
  if (!charset || charsetName(charset) === 'utf-8') return;
  const encoding = xmlEncodingOf(bytes);
  if (charsetName(charset) === encoding) return;
  throw new HttpProblem(415, `${name} is sent as charset=${charset}, but its bytes say ${encoding} (its XML declaration or byte-order mark); send the charset the file declares, or none.`);
}

async function readMultipart(req: Request, res: Response, limitBytes: number, query: { note?: string }): Promise<DeploymentInput> {
  const length = req.get('content-length');
  if (length === undefined) throw new HttpProblem(411, 'A multipart upload needs a Content-Length header.');
  if (Number(length) > limitBytes) throw new HttpProblem(413, `The upload is larger than ${limitBytes} bytes.`);
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limitBytes, files: MAX_FILES, fields: 5, fieldSize: 4000, parts: MAX_FILES + 5, headerPairs: 200 },
  });
  await run(upload.array('files', MAX_FILES), req, res);
  const uploaded = (req.files ?? []) as Express.Multer.File[];
  if (uploaded.length === 0) throw new HttpProblem(422, 'The upload has no parts named "files".', { errors: [{ field: 'files', message: 'is required' }] });
  const body = (req.body ?? {}) as Record<string, unknown>;
  const unknownFields = Object.keys(body).filter((field) => field !== 'note');
  if (unknownFields.length) {
    throw new HttpProblem(422, `Unknown form fields: ${unknownFields.join(', ')}.`, { errors: unknownFields.map((field) => ({ field, message: 'is not allowed' })) });
  }
  const note = body.note;
  if (note !== undefined && (typeof note !== 'string' || note.length > 2000)) {
    throw new HttpProblem(422, 'The note must be one text of at most 2000 characters.', { errors: [{ field: 'note', message: 'must be one text of at most 2000 characters' }] });
  }
  const names = new Set<string>();
  const files = uploaded.map((file) => {
    if (names.has(file.originalname)) throw new HttpProblem(422, `${file.originalname} is uploaded twice.`, { errors: [{ field: file.originalname, message: 'is uploaded twice' }] });
    names.add(file.originalname);
    return checkedFile(file.originalname, file.buffer);
  });
  return { files, note: (note) ?? query.note };
}
