// The processes a call tree may reach (tree-models.ts): every call followed to the version its binding starts,
// resolved in the calling version's context, each once; against the store, each read once.
import { describe, expect, it } from 'vitest';
import type { CallBinding, ElementInfo, ProcessModel } from '../../../engine/bpmn/process-model.js';
import type { ProcessVersionRow, StoreTx } from '../../../engine/store/types.js';
import { reachableModels, storeCalledVersionOf } from '../../../engine/runtime/tree-models.js';

describe('reachableModels', () => {
  it('follows each call to the version its binding starts, asking once per calling version and binding', async () => {
    const library = new Map([
      ['caller@2', model('caller', [call('A', 'child'), call('B', 'child', { type: 'deployment' }), call('C', 'child')])],
      ['child@1', model('child', [call('Back', 'caller', { type: 'deployment' })])],
      ['child@3', model('child', [])],
    ]);
    const asked: string[] = [];
    const reached = await reachableModels([{ key: 'caller', version: 2 }], definitionsOf(library), (caller, info) => {
      asked.push(`${caller.key}@${caller.version}/${info.id}`);
      if (info.calledProcess === 'caller') return Promise.resolve({ version: 2 });
      return Promise.resolve({ version: info.binding?.type === 'deployment' ? 1 : 3 });
    });
    expect(reached).toEqual([library.get('caller@2'), library.get('child@3'), library.get('child@1')]);
    // C calls as A does; the call back to caller@2 reaches what is already reached
    expect(asked).toEqual(['caller@2/A', 'caller@2/B', 'child@1/Back']);
  });

  it('adds nothing for a call that starts no version', async () => {
    const library = new Map([['caller@1', model('caller', [call('A', 'missing', { type: 'versionTag', versionTag: '9' })])]]);
    const reached = await reachableModels([{ key: 'caller', version: 1 }], definitionsOf(library),
      () => Promise.resolve({ problem: 'missing with version tag "9", which no deployed version carries' }));
    expect(reached).toEqual([library.get('caller@1')]);
  });
});

describe('storeCalledVersionOf', () => {
  it('reads the latest versions once, and a bound call\'s versions and its caller\'s deployment once each', async () => {
    const rows = [row('caller', 1, 'd1'), row('caller', 2, 'd2'), row('child', 1, 'd1'), row('child', 2, 'd2'), row('child', 3, 'd3')];
    const reads: string[] = [];
    const tx = {
      latestCalls: () => { reads.push('latestCalls'); return Promise.resolve([row('caller', 2, 'd2'), row('child', 3, 'd3')]); },
      latestVersionNumber: (key: string) => { reads.push(`latestVersionNumber ${key}`); return Promise.resolve(undefined); },
      getVersion: (key: string, version: number) => {
        reads.push(`getVersion ${key}@${version}`);
        return Promise.resolve(rows.find((one) => one.key === key && one.version === version));
      },
      versionsOf: (key: string) => { reads.push(`versionsOf ${key}`); return Promise.resolve(rows.filter((one) => one.key === key)); },
    } as unknown as StoreTx;
    const bound = [call('Bound', 'child', { type: 'deployment' }), call('Latest', 'child')];
    const library = new Map([['caller@1', model('caller', bound)], ['caller@2', model('caller', bound)],
      ['child@1', model('child', [])], ['child@2', model('child', [])], ['child@3', model('child', [])]]);
    const definitionOf = definitionsOf(library);
    const reached = await reachableModels([{ key: 'caller', version: 1 }, { key: 'caller', version: 2 }], definitionOf, storeCalledVersionOf(tx, definitionOf));
    expect(reached).toEqual(['caller@1', 'caller@2', 'child@1', 'child@3', 'child@2'].map((id) => library.get(id)));
    expect(reads.sort()).toEqual(['getVersion caller@1', 'getVersion caller@2', 'latestCalls', 'versionsOf child']);
  });
});

// helpers

function model(key: string, calls: ElementInfo[]): ProcessModel {
  return {
    key, isExecutable: true, elements: new Map(calls.map((info) => [info.id, info])),
    calls: [...new Set(calls.map((info) => info.calledProcess!))], separatedTasks: [], takesOrders: false,
  };
}

function call(id: string, calledProcess: string, binding?: CallBinding): ElementInfo {
  return { id, type: 'bpmn:CallActivity', calledProcess, ...(binding && { binding }) };
}

function row(key: string, version: number, deploymentId: string): ProcessVersionRow {
  return { key, version, deploymentId, name: null, xml: '', hash: '', calls: [], deployedBy: 'test', deployedAt: '2026-12-04T00:00:00Z', note: null };
}

function definitionsOf(library: Map<string, ProcessModel>) {
  return (key: string, version: number) => {
    const found = library.get(`${key}@${version}`);
    return found ? Promise.resolve({ model: found }) : Promise.reject(new Error(`${key}@${version} is not in the test library`));
  };
}
