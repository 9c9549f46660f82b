// `stratum <command>` loads only that command's modules: validate's linter (and the other commands) would take most
// of a short command's start. Here loading validate or backup fails, so a command that loaded them would too.
import { describe, expect, it, vi } from 'vitest';

for (const other of ['validate', 'backup']) {
  vi.doMock(`../../../engine/cli/commands/${other}.js`, () => {
    throw new Error(`the ${other} command was loaded`);
  });
}

describe('stratum <command>', () => {
  it('loads only the command it runs: convert, deploy and impact load neither validate\'s linter nor backup', async () => {
    const { main } = await import('../../../engine/cli/main.js');
    for (const command of ['convert', 'deploy', 'impact']) {
      const out: string[] = [];
      const err: string[] = [];
      expect(await main([command, '--help'], { out: (line) => out.push(line), err: (line) => err.push(line) }), err.join('\n')).toBe(0);
      expect(out.join('\n')).toMatch(new RegExp(`^Usage: stratum ${command} `));
    }
    // an unknown command is answered with the others' names, none of them loaded
    const err: string[] = [];
    expect(await main(['nonsense'], { out: () => undefined, err: (line) => err.push(line) })).toBe(2);
    expect(err.at(-1)).toBe('Commands: validate, convert, deploy, impact, backup. Run "stratum --help" for more.');
  });
});
