// The users file (`STRATUM_USERS`): bearer tokens and groups. Only a sha256 of
// each token is kept in memory once the file is read.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export interface User {
  name: string;
  groups: string[];
}

interface StoredUser extends User {
  tokenHash: Buffer;
}

const usersFileSchema = (minTokenLength: number) => z
  .object({
    users: z
      .array(
        z
          .object({
            name: z.string().min(1).max(100),
            token: z.string().min(minTokenLength, `tokens need at least ${minTokenLength} characters`).max(512).regex(/^[\x21-\x7E]+$/, 'tokens are printable ASCII without spaces'),
            groups: z.array(z.string().min(1).max(100)).max(100),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest();

export class UserDirectory {
  private readonly users: StoredUser[];

  private constructor(users: StoredUser[]) {
    this.users = users;
  }

  /** Parses `{"users": [{"name", "token", "groups"}]}`; throws naming the problem, never the token. */
  static fromJson(json: unknown, source = 'users file', options: { minTokenLength?: number } = {}): UserDirectory {
    const parsed = usersFileSchema(options.minTokenLength ?? 8).safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
      throw new Error(`${source} is invalid: ${issues}`);
    }
    const seen = new Set<string>();
    const users = parsed.data.users.map(({ name, token, groups }) => {
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

  get size(): number {
    return this.users.length;
  }
}
