// `stratum <command>` loads only that command's modules: the others (the linter, the BPMN parser) would take most
// of a short command's start. Here loading the other commands fails, so a command that loaded them would too.
import { describe, expect, it, vi } from 'vitest';


for (const other of ['validate', 'deploy', 'impact', 'backup']) {
  vi.doMock(`../../../engine/cli/commands/${other}.js`, () => {
    throw new Error(`stratum convert loaded the ${other} command`);
  });
}

describe('stratum <command>', () => {
  it('loads only the command it runs (convert: neither the linter of validate nor the others)', async () => {
    const { main } = await import('../../../engine/cli/main.js');
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
    expect(await main(['convert', '--help'], io), err.join('\n')).toBe(0);
    expect(out.join('\n')).toMatch(/^Usage: stratum convert/);
    // an unknown command is named with the others, none of them loaded
    expect(await main(['nonsense'], io)).toBe(2);
    expect(err.at(-1)).toBe('Commands: validate, convert, deploy, impact, backup. Run "stratum --help" for more.');
  });
});
