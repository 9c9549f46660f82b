// Camunda 7 conditions (`${amount > 1000}`, `#{!approved}`) are JUEL. Stratum
// never evaluates JUEL or JavaScript; the comparison subset is translated to an
// equivalent FEEL expression, and anything outside it is refused at deploy.
// Browser-safe.

export class JuelTranslationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JuelTranslationError';
  }
}

const JUEL_WRAPPER = /^\s*[$#]\{([\s\S]*)\}\s*$/;

/** True for `${…}` or `#{…}` text. */
export function isJuel(text: string | undefined | null): text is string {
  return typeof text === 'string' && JUEL_WRAPPER.test(text);
}

type Token = { kind: 'num' | 'str' | 'id' | 'op' | 'lparen' | 'rparen'; text: string };

const WORD_OPERATORS: Record<string, string> = {
  and: '&&', or: '||', not: '!', eq: '==', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>=',
};

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) { i += space[0].length; continue; }
    const number = /^\d+(\.\d+)?/.exec(rest);
    if (number) { tokens.push({ kind: 'num', text: number[0] }); i += number[0].length; continue; }
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      let j = 1;
      let value = '';
      while (j < rest.length && rest[j] !== quote) {
        if (rest[j] === '\\' && j + 1 < rest.length) j++;
        value += rest[j];
        j++;
      }
      if (j >= rest.length) throw new JuelTranslationError('unterminated string');
      tokens.push({ kind: 'str', text: value });
      i += j + 1;
      continue;
    }
    const identifier = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*/.exec(rest);
    if (identifier) {
      const word = identifier[0];
      if (word in WORD_OPERATORS) tokens.push({ kind: 'op', text: WORD_OPERATORS[word]! });
      else tokens.push({ kind: 'id', text: word });
      i += word.length;
      continue;
    }
    const operator = /^(==|!=|<=|>=|&&|\|\||<|>|!|-)/.exec(rest);
    if (operator) { tokens.push({ kind: 'op', text: operator[0] }); i += operator[0].length; continue; }
    if (rest[0] === '(') { tokens.push({ kind: 'lparen', text: '(' }); i++; continue; }
    if (rest[0] === ')') { tokens.push({ kind: 'rparen', text: ')' }); i++; continue; }
    throw new JuelTranslationError(`unsupported character "${rest[0]}" (only comparisons, and/or/not, names and literals are supported)`);
  }
  return tokens;
}

// Recursive descent over: or > and > not > comparison > primary.
class Translator {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  translate(): string {
    const feel = this.or();
    if (this.position < this.tokens.length) {
      throw new JuelTranslationError(`unexpected "${this.tokens[this.position]!.text}"`);
    }
    return feel;
  }

  private peek(): Token | undefined { return this.tokens[this.position]; }
  private take(): Token {
    const token = this.tokens[this.position++];
    if (!token) throw new JuelTranslationError('the expression ends too early');
    return token;
  }

  private or(): string {
    let left = this.and();
    while (this.peek()?.text === '||') { this.take(); left = `${left} or ${this.and()}`; }
    return left;
  }

  private and(): string {
    let left = this.not();
    while (this.peek()?.text === '&&') { this.take(); left = `${left} and ${this.not()}`; }
    return left;
  }

  private not(): string {
    if (this.peek()?.text === '!') { this.take(); return `not(${this.not()})`; }
    return this.comparison();
  }

  private comparison(): string {
    const left = this.primary();
    const operator = this.peek();
    if (operator?.kind === 'op' && ['==', '!=', '<', '>', '<=', '>='].includes(operator.text)) {
      this.take();
      const right = this.primary();
      return `${left} ${operator.text === '==' ? '=' : operator.text} ${right}`;
    }
    return left;
  }

  private primary(): string {
    const token = this.take();
    switch (token.kind) {
      case 'num': return token.text;
      case 'str': return JSON.stringify(token.text);
      case 'id':
        if (this.peek()?.kind === 'lparen') throw new JuelTranslationError(`method call "${token.text}(…)" is not supported`);
        return token.text;
      case 'lparen': {
        const inner = this.or();
        if (this.take().kind !== 'rparen') throw new JuelTranslationError('missing ")"');
        return `(${inner})`;
      }
      case 'op':
        if (token.text === '-') {
          const next = this.take();
          if (next.kind !== 'num') throw new JuelTranslationError('"-" must precede a number');
          return `-${next.text}`;
        }
    }
    throw new JuelTranslationError(`unexpected "${token.text}"`);
  }
}

/** Translates `${a > 5 && !b}` into FEEL `a > 5 and not(b)`. */
export function juelToFeel(text: string): string {
  const match = JUEL_WRAPPER.exec(text);
  if (!match) throw new JuelTranslationError('not a ${…} expression');
  const tokens = tokenize(match[1]!);
  if (tokens.length === 0) throw new JuelTranslationError('the expression is empty');
  return new Translator(tokens).translate();
}
