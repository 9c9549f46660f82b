// The one place a condition or expression text becomes something Stratum can
// evaluate: Camunda 8 FEEL (`=amount > 1000000`), Camunda 7 JUEL (`${amount >
// 1000000}`, `#{…}`, translated to FEEL), or bare FEEL where the context says
// so (DMN cells). The runtime, the bpmnlint rules and the modeler's simulation
// all compile through here, so they cannot disagree on what a text means.
// Browser-safe.
import { checkFeelSyntax, evaluateFeel, FeelError, feelBody, isFeel, variablesReadBy } from '../feel/feel-expression.js';
import { isJuel, juelToFeel, JuelTranslationError } from '../feel/juel.js';

type ExpressionSyntax = 'feel' | 'juel';

type ExpressionProblem =
  /** nothing but white space */
  | 'empty'
  /** neither `=FEEL` nor `${…}`/`#{…}` where one is required */
  | 'not-an-expression'
  /** JUEL outside the translatable subset */
  | 'untranslatable'
  /** FEEL (written or translated) that does not parse */
  | 'syntax';

class ExpressionError extends Error {
  constructor(
    readonly problem: ExpressionProblem,
    /** What is wrong, for a message that quotes the text itself: "syntax error at position 9 (…)". */
    readonly detail: string,
    readonly text: string,
    /** The FEEL a JUEL text translated to, when the translated FEEL is what failed. */
    readonly feel?: string,
  ) {
    super(`${detail}${feel === undefined ? '' : ` (translated to FEEL "${feel}")`}`);
    this.name = 'ExpressionError';
  }
}

export interface CompiledExpression {
  /** The text as written. */
  readonly text: string;
  readonly syntax: ExpressionSyntax;
  /** The FEEL that is evaluated (without `=`). */
  readonly feel: string;
  /** Top-level variables the expression reads. */
  readonly reads: string[];
  /** Strict evaluation: a missing variable is a FeelError, never `null`. */
  evaluate(variables: Record<string, unknown>): unknown;
  /** A condition: strict, and anything but true or false is a FeelError. */
  test(variables: Record<string, unknown>): boolean;
}

export interface CompileOptions {
  /** A formal expression's `language` or a DMN `expressionLanguage` (feel, juel, …); undefined: judged by the text. */
  language?: string;
  /**
   * Text without a marker is FEEL (DMN cells, whose language is FEEL unless
   * they say otherwise); otherwise it must start with `=` or be `${…}`.
   */
  bareIsFeel?: boolean;
}

const cache = new Map<string, CompiledExpression>();
const CACHE_LIMIT = 5000;

/** Compiles a text once (cached); throws ExpressionError saying what is wrong and where. */
export function compileExpression(text: string, options: CompileOptions = {}): CompiledExpression {
  const key = `${options.language ?? ''}\u0000${options.bareIsFeel ? 1 : 0}\u0000${text}`;
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = compileUncached(text, options);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, compiled);
  }
  return compiled;
}

export type Compilation = { ok: true; expression: CompiledExpression } | { ok: false; error: ExpressionError };

/** compileExpression without throwing, for callers that report rather than fail. */
export function tryCompileExpression(text: string, options: CompileOptions = {}): Compilation {
  try {
    return { ok: true, expression: compileExpression(text, options) };
  } catch (error) {
    if (error instanceof ExpressionError) return { ok: false, error };
    throw error;
  }
}

/** Whether a text is a marked expression (`=…`, `${…}`, `#{…}`) rather than a literal value. */
export function isExpressionText(text: unknown): text is string {
  return isFeel(text as string) || isJuel(text as string);
}

const SHOWN_LENGTH = 60;

/** A text cut short for a message, on one line: findings name an expression, they do not reprint a page. */
export function shortText(text: string, limit = SHOWN_LENGTH): string {
  const flat = text.trim().replace(/\s+/g, ' ');
  return flat.length > limit ? `${flat.slice(0, limit)}…` : flat;
}

// helpers

function compileUncached(text: string, options: CompileOptions): CompiledExpression {
  if (!text.trim()) throw new ExpressionError('empty', 'the expression is empty', text);
  const language = options.language?.trim().toLowerCase();
  if (language === 'juel' || isJuel(text)) {
    // wrapped before the test: isJuel's false branch narrows text to never
    const wrapped = `\${${text}}`;
    const juel = isJuel(text) ? text : wrapped;
    let feel: string;
    try {
      feel = juelToFeel(juel);
    } catch (error) {
      if (error instanceof JuelTranslationError) {
        throw new ExpressionError('untranslatable', positioned(error), text);
      }
      throw error;
    }
    return compiledFeel(text, 'juel', feel, true);
  }
  if (isFeel(text)) return compiledFeel(text, 'feel', feelBody(text), false);
  if (options.bareIsFeel || language === 'feel' || language === 'http://www.omg.org/spec/feel/20140401') {
    return compiledFeel(text, 'feel', text, false);
  }
  throw new ExpressionError('not-an-expression', 'is not a FEEL expression (FEEL starts with "=")', text);
}

function compiledFeel(text: string, syntax: ExpressionSyntax, feel: string, translated: boolean): CompiledExpression {
  const syntaxCheck = checkFeelSyntax(feel);
  if (!syntaxCheck.ok) throw new ExpressionError('syntax', syntaxCheck.message, text, translated ? feel : undefined);
  return {
    text,
    syntax,
    feel,
    reads: variablesReadBy(feel),
    evaluate: (variables) => evaluateFeel(feel, variables),
    test(variables) {
      const value = evaluateFeel(feel, variables);
      if (typeof value !== 'boolean') {
        throw new FeelError(`condition "${text.trim()}" gave ${JSON.stringify(value ?? null)}, not true or false`, feel);
      }
      return value;
    },
  };
}

/** The translator's reason with its position, without repeating the whole text (callers quote it). */
function positioned(error: JuelTranslationError): string {
  if (error.position === undefined) return error.reason;
  const near = error.expression.slice(error.position - 1, error.position + 11).replace(/\s+/g, ' ');
  return `${error.reason} at position ${error.position} (near "${near || 'the end'}")`;
}
