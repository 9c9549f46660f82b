// The users file (`STRATUM_USERS`): bearer tokens and groups. Only a sha256 of
// each token is kept in memory once the file is read.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv/dist/2020.js';

export interface User {
  name: string;
  groups: string[];
}

interface StoredUser extends User {
  tokenHash: Buffer;
}

interface UsersFile {
  users: { name: string; token: string; groups: string[] }[];
}

const TOKEN_PATTERN = '^[\\x21-\\x7E]+$';

/** The users file's JSON Schema, for tokens of at least `minTokenLength` characters. */
export const usersFileSchema = (minTokenLength: number): JSONSchemaType<UsersFile> => ({
  type: 'object',
  additionalProperties: false,
  required: ['users'],
  properties: {
    users: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'token', 'groups'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100 },
          token: { type: 'string', minLength: minTokenLength, maxLength: 512, pattern: TOKEN_PATTERN },
          groups: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 100 } },
        },
      },
    },
  },
});

// The schema is Stratum's own and never changes: checking it against JSON Schema's meta-schema at every start cost
// two thirds of its compiling, and a start compiles no other schema (the request validators come from the build);
// users.test.ts checks it against the meta-schema instead.
const ajv = new Ajv2020({ allErrors: true, strict: true, validateSchema: false });
const validators = new Map<number, ValidateFunction<UsersFile>>();

function validatorFor(minTokenLength: number): ValidateFunction<UsersFile> {
  let validate = validators.get(minTokenLength);
  if (!validate) {
    validate = ajv.compile(usersFileSchema(minTokenLength));
    validators.set(minTokenLength, validate);
  }
  return validate;
}

/** `users.0.token: tokens need at least 8 characters`; never the offending value, which may be a token. */
function issueOf(error: ErrorObject): string {
  const path = error.instancePath.split('/').filter(Boolean);
  const params = error.params as Record<string, unknown>;
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'additionalProperties') {
    path.push(String(params.additionalProperty));
    message = 'is not allowed';
  } else if (path.at(-1) === 'token' && error.keyword === 'minLength') {
    message = `tokens need at least ${String(params.limit)} characters`;
  } else if (path.at(-1) === 'token' && error.keyword === 'pattern') {
    message = 'tokens are printable ASCII without spaces';
  }
  return `${path.join('.') || '(root)'}: ${message}`;
}

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** Characters no reader sees, or sees as a line break: a control, a format character (zero-width, bidi), a line or paragraph separator. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** What two names share when a reader takes them for one person: the same letters whatever their case, Unicode form or spacing. */
function personOf(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ');
}

/**
 * A user's name is who they are to four eyes (the same name over several tokens is one person) and in the history,
 * compared exactly. Two names a reader takes for one person — `vera` and `Vera`, `dirk` and `dirk ` or `dirk` with a
 * zero-width space, `José` composed and decomposed — would be two people to four eyes, so one person holding both
 * would decide both tiers of an approval, or approve the order they entered as `erp` under `Erp`. So a name has no
 * surrounding spaces and nothing invisible, and two different names never read alike.
 */
function refuseLookAlikeNames(names: string[], source: string): void {
  const byPerson = new Map<string, { name: string; index: number }>();
  names.forEach((name, index) => {
    if (name !== name.trim() || name.trim() === '') throw new Error(`${source} is invalid: users.${index}.name ${JSON.stringify(name)} has spaces around it or is blank`);
    if (INVISIBLE.test(name)) throw new Error(`${source} is invalid: users.${index}.name ${JSON.stringify(name)} holds an invisible or control character`);
    const person = personOf(name);
    const other = byPerson.get(person);
    if (other && other.name !== name) {
      throw new Error(`${source} is invalid: users.${index}.name ${JSON.stringify(name)} and users.${other.index}.name ${JSON.stringify(other.name)} differ only in case, ` +
        'Unicode form or spacing: four eyes would take them for two people, a reader of the history for one (give one person one name, with a token each)');
    }
    if (!other) byPerson.set(person, { name, index });
  });
}

export class UserDirectory {
  private readonly users: StoredUser[];

  private constructor(users: StoredUser[]) {
    this.users = users;
  }

  /** Parses `{"users": [{"name", "token", "groups"}]}`; throws naming the problem, never the token. */
  static fromJson(json: unknown, source = 'users file', options: { minTokenLength?: number } = {}): UserDirectory {
    const validate = validatorFor(options.minTokenLength ?? 8);
    if (!validate(json)) {
      const issues = (validate.errors ?? []).map(issueOf).join('; ');
      throw new Error(`${source} is invalid: ${issues}`);
    }
    refuseLookAlikeNames(json.users.map((user) => user.name), source);
    const seen = new Set<string>();
    const users = json.users.map(({ name, token, groups }) => {
      const tokenHash = hashToken(token);
      const hex = tokenHash.toString('hex');
      if (seen.has(hex)) throw new Error(`${source} is invalid: two users share one token (user ${name})`);
      seen.add(hex);
      return { name, groups: [...new Set(groups)], tokenHash };
    });
    return new UserDirectory(users);
  }

  static fromFile(path: string): UserDirectory {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read users file ${path}: ${(error as Error).message}`);
    }
    return UserDirectory.fromJson(json, path);
  }

  /** The user whose token this is. Every stored hash is compared, in constant time each. */
  authenticate(token: string): User | undefined {
    const candidate = hashToken(token);
    let found: StoredUser | undefined;
    for (const user of this.users) {
      if (timingSafeEqual(candidate, user.tokenHash) && !found) found = user;
    }
    return found ? { name: found.name, groups: [...found.groups] } : undefined;
  }

  /** Every group at least one user is in, sorted. */
  groupsWithMembers(): string[] {
    return [...new Set(this.users.flatMap((user) => user.groups))].sort();
  }

  /**
   * The users all of whose groups (over all their tokens) are among `groups`, and who are in one at least:
   * accounts of a system (the integration's erp), not people. Sorted.
   */
  accountsOnlyIn(groups: readonly string[]): string[] {
    const held = new Map<string, string[]>();
    for (const user of this.users) held.set(user.name, [...(held.get(user.name) ?? []), ...user.groups]);
    return [...held].filter(([, mine]) => mine.length > 0 && mine.every((group) => groups.includes(group))).map(([name]) => name).sort();
  }

  get size(): number {
    return this.users.length;
  }
}
