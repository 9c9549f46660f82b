// Camunda 7 conditions and expressions (`${amount > 1000}`, `#{!approved}`) are
// JUEL. Stratum never evaluates JUEL or JavaScript: the subset Camunda 7 models
// use is translated to an equivalent FEEL expression, and anything outside it
// is refused at deploy with the place where translation stopped.
// Covered: literals, names and properties (`a.b`, `a['b']`, `a[0]`), `!`/`not`,
// `empty`, unary `-`, `* / div % mod`, `+ -`, comparisons (`==`, `eq`, `<`,
// `lt`, …), `&&`/`and`, `||`/`or`, `a ? b : c`, `x.equals(y)`,
// `execution.getVariable('x')`, and Spin's `S(x)`/`JSON(x)`, `.prop('x')`,
// `.stringValue()`/`.numberValue()`/`.boolValue()` over JSON variables.
// Browser-safe.

/** An expression that cannot be translated, with where translation stopped. */
export class JuelTranslationError extends Error {
  constructor(
    /** What is wrong, without the expression: "method call isVip(…) is not supported". */
    readonly reason: string,
    /** The whole expression text, as written. */
    readonly expression: string,
    /** 1-based character position in `expression` where the problem starts; undefined for the whole text. */
    readonly position?: number,
  ) {
    super(describe(reason, expression, position));
    this.name = 'JuelTranslationError';
  }
}

const JUEL_WRAPPER = /^(\s*[$#]\{)([\s\S]*)\}\s*$/;

/** True for `${…}` or `#{…}` text. */
export function isJuel(text: string | undefined | null): text is string {
  return typeof text === 'string' && JUEL_WRAPPER.test(text);
}

/** Translates `${a > 5 && !b}` into FEEL `a > 5 and not(b)`. */
export function juelToFeel(text: string): string {
  const match = JUEL_WRAPPER.exec(text);
  if (!match) throw new JuelTranslationError('not a ${…} or #{…} expression', text);
  const body = match[2];
  const offset = match[1].length;
  const tokens = tokenize(body, offset, text);
  if (tokens.length === 0) throw new JuelTranslationError('the expression is empty', text);
  return print(new Parser(tokens, text).parseWhole());
}

// helpers

const SHOWN_LENGTH = 60;

function describe(reason: string, expression: string, position: number | undefined): string {
  const flat = expression.trim().replace(/\s+/g, ' ');
  const shown = flat.length > SHOWN_LENGTH ? `${flat.slice(0, SHOWN_LENGTH)}…` : flat;
  if (position === undefined) return `${reason} in "${shown}"`;
  const near = expression.slice(position - 1, position - 1 + 12).replace(/\s+/g, ' ');
  return `${reason} at position ${position} (near "${near || 'the end'}") of "${shown}"`;
}

type TokenKind = 'num' | 'str' | 'name' | 'op' | 'punct';
interface Token { kind: TokenKind; text: string; position: number }

const WORD_OPERATORS: Record<string, string> = {
  and: '&&', or: '||', not: '!', eq: '==', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>=', div: '/', mod: '%', empty: 'empty',
};

function tokenize(body: string, offset: number, whole: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const rest = body.slice(i);
    const position = offset + i + 1;
    const space = /^\s+/.exec(rest);
    if (space) { i += space[0].length; continue; }
    const number = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
    if (number) { tokens.push({ kind: 'num', text: number[0], position }); i += number[0].length; continue; }
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      let j = 1;
      let value = '';
      while (j < rest.length && rest[j] !== quote) {
        if (rest[j] === '\\' && j + 1 < rest.length) j++;
        value += rest[j];
        j++;
      }
      if (j >= rest.length) throw new JuelTranslationError('unterminated string', whole, position);
      tokens.push({ kind: 'str', text: value, position });
      i += j + 1;
      continue;
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(rest);
    if (word) {
      const operator = WORD_OPERATORS[word[0]];
      tokens.push(operator ? { kind: 'op', text: operator, position } : { kind: 'name', text: word[0], position });
      i += word[0].length;
      continue;
    }
    const operator = /^(==|!=|<=|>=|&&|\|\||[<>!+\-*/%?:])/.exec(rest);
    if (operator) { tokens.push({ kind: 'op', text: operator[0], position }); i += operator[0].length; continue; }
    if ('()[].,'.includes(rest[0])) { tokens.push({ kind: 'punct', text: rest[0], position }); i++; continue; }
    throw new JuelTranslationError(`unsupported character "${rest[0]}"`, whole, position);
  }
  return tokens;
}

// The translated expression as a small tree, printed as FEEL with only the
// parentheses FEEL's precedence needs (lint rules read the printed text).
type Node =
  | { type: 'literal'; feel: string }
  | { type: 'path'; feel: string }
  | { type: 'binary'; operator: string; left: Node; right: Node }
  | { type: 'not'; operand: Node }
  | { type: 'negate'; operand: Node }
  | { type: 'call'; feel: string } // a FEEL function call, self-contained
  | { type: 'ternary'; test: Node; then: Node; otherwise: Node };

// FEEL precedence, loosest first.
const LEVEL = { ternary: 1, or: 2, and: 3, comparison: 4, additive: 5, multiplicative: 6, unary: 7, primary: 8 } as const;
const BINARY_LEVEL: Record<string, number> = {
  or: LEVEL.or, and: LEVEL.and,
  '=': LEVEL.comparison, '!=': LEVEL.comparison, '<': LEVEL.comparison, '>': LEVEL.comparison, '<=': LEVEL.comparison, '>=': LEVEL.comparison,
  '+': LEVEL.additive, '-': LEVEL.additive, '*': LEVEL.multiplicative, '/': LEVEL.multiplicative,
};

function levelOf(node: Node): number {
  switch (node.type) {
    case 'binary': return BINARY_LEVEL[node.operator];
    case 'ternary': return LEVEL.ternary;
    case 'negate': return LEVEL.unary;
    default: return LEVEL.primary;
  }
}

function print(node: Node): string {
  switch (node.type) {
    case 'literal':
    case 'path':
    case 'call':
      return node.feel;
    case 'not':
      return `not(${print(node.operand)})`;
    case 'negate':
      return `-${operand(node.operand, LEVEL.unary, true)}`;
    case 'ternary':
      return `if ${print(node.test)} then ${print(node.then)} else ${operand(node.otherwise, LEVEL.ternary, false)}`;
    case 'binary': {
      const level = BINARY_LEVEL[node.operator];
      // Comparisons do not chain in FEEL; `-` and `/` are not associative on the right.
      const strictLeft = level === LEVEL.comparison;
      const strictRight = level === LEVEL.comparison || node.operator === '-' || node.operator === '/';
      return `${operand(node.left, level, strictLeft)} ${node.operator} ${operand(node.right, level, strictRight)}`;
    }
  }
}

function operand(node: Node, parentLevel: number, strict: boolean): string {
  const level = levelOf(node);
  const needsParentheses = level < parentLevel || (strict && level === parentLevel);
  return needsParentheses ? `(${print(node)})` : print(node);
}

const FEEL_NAME = /^[A-Za-z_][\w]*$/;
const SPIN_VALUE_METHODS = new Set(['stringValue', 'numberValue', 'boolValue']);
const SPIN_WRAPPERS = new Set(['S', 'JSON']);

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[], private readonly whole: string) {}

  parseWhole(): Node {
    const node = this.ternary();
    const extra = this.peek();
    if (extra) this.fail(`unexpected "${extra.text}"`, extra);
    return node;
  }

  private peek(offset = 0): Token | undefined { return this.tokens[this.index + offset]; }
  private isOp(text: string): boolean { const token = this.peek(); return token?.kind === 'op' && token.text === text; }
  private isPunct(text: string): boolean { const token = this.peek(); return token?.kind === 'punct' && token.text === text; }
  private take(): Token {
    const token = this.tokens[this.index++];
    if (!token) throw new JuelTranslationError('the expression ends too early', this.whole, this.endPosition());
    return token;
  }
  private expectPunct(text: string): void {
    const token = this.peek();
    if (token?.kind !== 'punct' || token.text !== text) {
      if (!token) throw new JuelTranslationError(`missing "${text}"`, this.whole, this.endPosition());
      this.fail(`expected "${text}" but found "${token.text}"`, token);
    }
    this.index++;
  }
  private endPosition(): number {
    const last = this.tokens.at(-1);
    return last ? last.position + Math.max(1, last.text.length) : 1;
  }
  private fail(reason: string, token: Token): never {
    throw new JuelTranslationError(reason, this.whole, token.position);
  }

  private ternary(): Node {
    const test = this.or();
    if (!this.isOp('?')) return test;
    this.take();
    const then = this.ternary();
    if (!this.isOp(':')) {
      const token = this.peek();
      if (!token) throw new JuelTranslationError('missing ":" of "? :"', this.whole, this.endPosition());
      this.fail(`expected ":" of "? :" but found "${token.text}"`, token);
    }
    this.take();
    return { type: 'ternary', test, then, otherwise: this.ternary() };
  }

  private or(): Node {
    let left = this.and();
    while (this.isOp('||')) { this.take(); left = { type: 'binary', operator: 'or', left, right: this.and() }; }
    return left;
  }

  private and(): Node {
    let left = this.equality();
    while (this.isOp('&&')) { this.take(); left = { type: 'binary', operator: 'and', left, right: this.equality() }; }
    return left;
  }

  private equality(): Node {
    let left = this.relational();
    while (this.isOp('==') || this.isOp('!=')) {
      const operator = this.take().text === '==' ? '=' : '!=';
      left = { type: 'binary', operator, left, right: this.relational() };
    }
    return left;
  }

  private relational(): Node {
    let left = this.additive();
    while (['<', '>', '<=', '>='].some((operator) => this.isOp(operator))) {
      const operator = this.take().text;
      left = { type: 'binary', operator, left, right: this.additive() };
    }
    return left;
  }

  private additive(): Node {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const operator = this.take().text;
      left = { type: 'binary', operator, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Node {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const operator = this.take().text;
      const right = this.unary();
      left = operator === '%' ? { type: 'call', feel: `modulo(${print(left)}, ${print(right)})` } : { type: 'binary', operator, left, right };
    }
    return left;
  }

  private unary(): Node {
    if (this.isOp('!')) { this.take(); return { type: 'not', operand: this.unary() }; }
    if (this.isOp('-')) {
      this.take();
      const operand = this.unary();
      return operand.type === 'literal' && /^\d/.test(operand.feel) ? { type: 'literal', feel: `-${operand.feel}` } : { type: 'negate', operand };
    }
    if (this.isOp('empty')) {
      this.take();
      const value = print(this.unary());
      // JUEL: empty is true for null, "", and an empty list or map.
      const feel = `if ${value} = null then true else if ${value} instance of string then ${value} = "" ` +
        `else if ${value} instance of list then count(${value}) = 0 ` +
        `else if ${value} instance of context then count(get entries(${value})) = 0 else false`;
      return { type: 'call', feel: `(${feel})` };
    }
    return this.postfix(this.primary());
  }

  private primary(): Node {
    const token = this.take();
    switch (token.kind) {
      case 'num': return { type: 'literal', feel: token.text };
      case 'str': return { type: 'literal', feel: JSON.stringify(token.text) };
      case 'name': {
        if (['true', 'false', 'null'].includes(token.text)) return { type: 'literal', feel: token.text };
        if (this.isPunct('(')) return this.functionCall(token);
        if (token.text === 'execution' && this.isPunct('.')) return this.executionCall(token);
        if (!FEEL_NAME.test(token.text)) this.fail(`the name "${token.text}" is not a FEEL name`, token);
        return { type: 'path', feel: token.text };
      }
      case 'punct':
        if (token.text === '(') {
          const inner = this.ternary();
          this.expectPunct(')');
          return inner;
        }
    }
    this.fail(`unexpected "${token.text}"`, token);
  }

  /** `S(x)` / `JSON(x)`: Spin wraps a JSON value, which Stratum keeps as plain JSON. */
  private functionCall(name: Token): Node {
    if (!SPIN_WRAPPERS.has(name.text)) this.fail(`function ${name.text}(…) is not supported`, name);
    this.expectPunct('(');
    const inner = this.ternary();
    this.expectPunct(')');
    return inner;
  }

  /** `execution.getVariable('x')` reads the variable `x`. */
  private executionCall(execution: Token): Node {
    this.expectPunct('.');
    const method = this.take();
    if (method.kind !== 'name' || method.text !== 'getVariable' || !this.isPunct('(')) {
      this.fail(`execution.${method.text}${this.isPunct('(') ? '(…)' : ''} is not supported (only execution.getVariable('name'))`, method);
    }
    const name = this.stringArgument(method);
    if (!FEEL_NAME.test(name)) this.fail(`the variable name "${name}" is not a FEEL name`, execution);
    return { type: 'path', feel: name };
  }

  private stringArgument(method: Token): string {
    this.expectPunct('(');
    const argument = this.take();
    if (argument.kind !== 'str') this.fail(`${method.text}(…) needs a quoted name`, argument);
    this.expectPunct(')');
    return argument.text;
  }

  private postfix(target: Node): Node {
    let node = target;
    for (;;) {
      if (this.isPunct('.')) {
        this.take();
        const member = this.take();
        if (member.kind !== 'name') this.fail(`expected a property name after "." but found "${member.text}"`, member);
        node = this.isPunct('(') ? this.methodCall(node, member) : property(node, member.text);
      } else if (this.isPunct('[')) {
        const open = this.take();
        const key = this.take();
        this.expectPunct(']');
        if (key.kind === 'str') node = property(node, key.text);
        else if (key.kind === 'num' && /^\d+$/.test(key.text)) node = { type: 'path', feel: `${operand(node, LEVEL.primary, false)}[${Number(key.text) + 1}]` };
        else this.fail('only a quoted name or a whole number can stand in [ ]', open);
      } else {
        return node;
      }
    }
  }

  private methodCall(target: Node, method: Token): Node {
    if (method.text === 'equals') {
      this.expectPunct('(');
      const other = this.ternary();
      this.expectPunct(')');
      return { type: 'binary', operator: '=', left: target, right: other };
    }
    if (method.text === 'prop') return property(target, this.stringArgument(method));
    if (SPIN_VALUE_METHODS.has(method.text)) {
      this.expectPunct('(');
      this.expectPunct(')');
      return target; // JSON values are already strings, numbers and booleans
    }
    this.fail(`method call ${method.text}(…) is not supported`, method);
  }
}

/** `a.b`, or `get value(a, "b c")` for a key that is not a FEEL name. */
function property(target: Node, key: string): Node {
  const base = operand(target, LEVEL.primary, false);
  return FEEL_NAME.test(key) ? { type: 'path', feel: `${base}.${key}` } : { type: 'call', feel: `get value(${base}, ${JSON.stringify(key)})` };
}
