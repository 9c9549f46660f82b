// The users file: tokens kept only as hashes, files that would be unsafe refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { UserDirectory, usersFileSchema } from '../../../server/auth/users.js';
import demoUsers from '../../../server/demo-users.json' with { type: 'json' };
import { arrayWith } from '../../support/matchers.js';

const file = { users: [{ name: 'ann', token: 'ann-secret-token', groups: ['sales-director', 'sales-director'] }, { name: 'erp', token: 'erp-secret-token', groups: ['integration'] }] };

describe('UserDirectory', () => {
  it('reads the users file with a schema that JSON Schema 2020-12 accepts (a start no longer checks it)', () => {
    const ajv = new Ajv2020({ strict: true });
    for (const minTokenLength of [4, 8]) expect(ajv.validateSchema(usersFileSchema(minTokenLength)), ajv.errorsText()).toBe(true);
  });

  it('authenticates by token and returns the user with its groups', () => {
    const users = UserDirectory.fromJson(file);
    expect(users.authenticate('ann-secret-token')).toEqual({ name: 'ann', groups: ['sales-director'] });
    expect(users.authenticate('erp-secret-token')?.name).toBe('erp');
    expect(users.authenticate('ann-secret-tokenX')).toBeUndefined();
    expect(users.authenticate('')).toBeUndefined();
  });

  it('keeps no token in memory, only hashes', () => {
    const users = UserDirectory.fromJson(file);
    const shown = inspect(users, { depth: 10, showHidden: true }) + JSON.stringify(users);
    expect(shown).not.toContain('ann-secret-token');
    expect(shown).not.toContain('erp-secret-token');
  });

  it('refuses files with short or shared tokens, unknown fields or no users, without echoing tokens', () => {
    expect(() => UserDirectory.fromJson({ users: [{ name: 'a', token: 'short', groups: [] }] })).toThrow(/at least 8/);
    expect(() => UserDirectory.fromJson({ users: [{ name: 'a', token: 'same-token-1', groups: [] }, { name: 'b', token: 'same-token-1', groups: [] }] })).toThrow(/share one token/);
    expect(() => UserDirectory.fromJson({ users: [{ name: 'a', token: 'token with space', groups: [] }] })).toThrow(/printable/);
    expect(() => UserDirectory.fromJson({ users: [{ name: 'a', token: 'long-enough-1', groups: [], admin: true }] })).toThrow(/admin/);
    expect(() => UserDirectory.fromJson({ users: [] })).toThrow();
    try {
      UserDirectory.fromJson({ users: [{ name: 'a', token: 'same-token-1', groups: [] }, { name: 'b', token: 'same-token-1', groups: [] }] });
    } catch (error) {
      expect((error as Error).message).not.toContain('same-token-1');
    }
  });

  it('refuses names a reader takes for one person (case, Unicode form, spacing) or that hide a character, which four eyes would take for two', () => {
    const withNames = (...names: string[]) => ({ users: names.map((name, index) => ({ name, token: `look-alike-token-${index}`, groups: ['sales-director'] })) });
    // reproduced: vera (vice-president) and Vera (sales director) decided both tiers of one order; erp entered an order and Erp approved it
    expect(() => UserDirectory.fromJson(withNames('vera', 'Vera'))).toThrow(/users\.1\.name "Vera" and users\.0\.name "vera" differ only in case, Unicode form or spacing/);
    expect(() => UserDirectory.fromJson(withNames('erp', 'dirk', 'ERP'))).toThrow(/"ERP" and users\.0\.name "erp"/);
    expect(() => UserDirectory.fromJson(withNames('jos\u00e9', 'jose\u0301'))).toThrow(/differ only/);
    expect(() => UserDirectory.fromJson(withNames('Anna Schmidt', 'anna  schmidt'))).toThrow(/differ only/);
    expect(() => UserDirectory.fromJson(withNames('\uff44irk', 'dirk'))).toThrow(/differ only/); // a fullwidth d
    expect(() => UserDirectory.fromJson(withNames('dirk', 'dirk '))).toThrow(/users\.1\.name "dirk " has spaces around it/);
    expect(() => UserDirectory.fromJson(withNames(' '))).toThrow(/blank/);
    expect(() => UserDirectory.fromJson(withNames('dirk', 'di\u200brk'))).toThrow(/users\.1\.name "di\u200brk" holds an invisible or control character/);
    expect(() => UserDirectory.fromJson(withNames('vera\u202e'))).toThrow(/invisible/);
    expect(() => UserDirectory.fromJson(withNames('ve\nra'))).toThrow(/invisible or control/);
    // one name over several tokens is one person, and names that only look related are two
    const users = UserDirectory.fromJson({ users: [
      { name: 'bo', token: 'bo-director-token', groups: ['sales-director'] },
      { name: 'bo', token: 'bo-vp-token-12', groups: ['vice-president'] },
      { name: 'Anna Schmidt', token: 'anna-token-12', groups: [] },
      { name: 'Anna Schmitt', token: 'anna-token-34', groups: [] },
      { name: 'José', token: 'jose-token-12', groups: [] },
    ] });
    expect(users.size).toBe(5);
  });

  it('reads a users file from disk and names the file when it is broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-users-'));
    try {
      writeFileSync(join(dir, 'users.json'), JSON.stringify(file));
      expect(UserDirectory.fromFile(join(dir, 'users.json')).size).toBe(2);
      writeFileSync(join(dir, 'broken.json'), '{"users": [');
      expect(() => UserDirectory.fromFile(join(dir, 'broken.json'))).toThrow(/broken\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ships demo users for every group the order library uses, and an admin in all of them', () => {
    const users = UserDirectory.fromJson(demoUsers, 'demo', { minTokenLength: 4 });
    const groupsOf = (token: string) => users.authenticate(token)?.groups;
    expect(groupsOf('demo-designer')).toEqual(['designer']);
    expect(groupsOf('demo-integration')).toEqual(['integration']);
    expect(groupsOf('demo-director')).toEqual(['sales-director']);
    expect(groupsOf('demo-vp')).toEqual(['vice-president']);
    for (const group of ['procurement', 'production', 'inspection']) expect(groupsOf(`demo-${group}`)).toEqual([group]);
    expect(groupsOf('demo-admin')).toEqual(arrayWith(['designer', 'integration', 'sales-director', 'vice-president', 'procurement', 'production', 'inspection']));
  });

  it('names the system accounts: users in role groups only, over all their tokens, never one in no group', () => {
    const roles = ['designer', 'integration', 'operations'];
    expect(UserDirectory.fromJson(demoUsers, 'demo', { minTokenLength: 4 }).accountsOnlyIn(roles)).toEqual(['designer', 'erp', 'ops']);
    const users = UserDirectory.fromJson({ users: [
      { name: 'erp', token: 'erp-secret-token', groups: ['integration', 'operations'] },
      { name: 'bo', token: 'bo-integration-token', groups: ['integration'] },
      { name: 'bo', token: 'bo-director-token', groups: ['sales-director'] },
      { name: 'nobody', token: 'nobody-token', groups: [] },
    ] });
    expect(users.accountsOnlyIn(roles)).toEqual(['erp']);
  });
});
