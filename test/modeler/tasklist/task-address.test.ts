// The task list's address (modeler/src/tasklist/task-address.ts): /tasks?group=…&order=…&task=… holds the Group and
// Order filters and the open task, so a filtered list can be bookmarked, sent, reloaded and gone back to. People type
// and paste addresses: a value that cannot be a filter of theirs is left out with a sentence, never sent to the server.
import { describe, expect, it } from 'vitest';
import { continuesTyping, readTaskAddress, taskAddressQuery } from '../../../modeler/src/tasklist/task-address.js';

const VP_AND_DIRECTOR = ['sales-director', 'vice-president'];

describe('the task list\'s address', () => {
  it('reads a vice-president\'s bookmark of one order\'s tasks, with the task that was open', () => {
    expect(readTaskAddress('?group=vice-president&order=SO-1&task=i1%3AUserTask_Review', VP_AND_DIRECTOR)).toEqual({
      filter: { group: 'vice-president', orderNo: 'SO-1' }, taskId: 'i1:UserTask_Review', leftOut: [],
    });
  });

  it('reads no filter and no task from the bare /tasks, and ignores parameters it does not know', () => {
    expect(readTaskAddress('', VP_AND_DIRECTOR)).toEqual({ filter: { group: '', orderNo: '' }, taskId: null, leftOut: [] });
    expect(readTaskAddress('?utm_source=mail&group=&order=', VP_AND_DIRECTOR)).toEqual({ filter: { group: '', orderNo: '' }, taskId: null, leftOut: [] });
  });

  it('takes an order number as entered, with spaces and slashes inside, and trims spaces around it as the field does', () => {
    expect(readTaskAddress('?order=SO%207%2F1', VP_AND_DIRECTOR).filter).toEqual({ group: '', orderNo: 'SO 7/1' });
    expect(readTaskAddress('?order=+SO-1+', VP_AND_DIRECTOR).filter).toEqual({ group: '', orderNo: 'SO-1' });
  });

  it('leaves out a server role, which no task matches, and says so: an operator\'s ?group=operations', () => {
    expect(readTaskAddress('?group=operations', [], ['operations'])).toEqual({
      filter: { group: '', orderNo: '' }, taskId: null, leftOut: ['"operations" is a server role, never offered a task: showing all your groups.'],
    });
    expect(readTaskAddress('?group=vice-president', ['vice-president'], ['operations'])).toEqual({
      filter: { group: 'vice-president', orderNo: '' }, taskId: null, leftOut: [],
    });
  });

  it('leaves out a group the person is not in, and says so: procurement\'s link opened by a vice-president', () => {
    expect(readTaskAddress('?group=procurement&order=SO-1', ['vice-president'])).toEqual({
      filter: { group: '', orderNo: 'SO-1' }, taskId: null, leftOut: ['You are not in the group "procurement": showing all your groups.'],
    });
  });

  it('leaves out what cannot be an order number (the API would refuse it), and says so', () => {
    expect(readTaskAddress('?group=vice-president&order=M%C3%BCller', VP_AND_DIRECTOR)).toEqual({
      filter: { group: 'vice-president', orderNo: '' }, taskId: null, leftOut: ['"Müller" is not an order number: showing every order.'],
    });
    const long = readTaskAddress(`?order=${'9'.repeat(201)}`, VP_AND_DIRECTOR);
    expect(long.filter).toEqual({ group: '', orderNo: '' });
    expect(long.leftOut).toEqual([`"${'9'.repeat(40)}…" is not an order number: showing every order.`]);
    // a control character is not quoted back
    expect(readTaskAddress('?order=SO%0A1', VP_AND_DIRECTOR).leftOut).toEqual(['"SO1" is not an order number: showing every order.']);
  });

  it('writes the filters and the open task in the order people read them, and nothing for the whole list', () => {
    expect(taskAddressQuery({ filter: { group: 'vice-president', orderNo: 'SO 7/1' }, taskId: 'i1:UserTask_Review' }))
      .toBe('?group=vice-president&order=SO+7%2F1&task=i1%3AUserTask_Review');
    expect(taskAddressQuery({ filter: { group: '', orderNo: 'SO-1' }, taskId: null })).toBe('?order=SO-1');
    expect(taskAddressQuery({ filter: { group: '', orderNo: '' }, taskId: null })).toBe('');
  });

  it('reads back what it writes', () => {
    const address = { filter: { group: 'sales-director', orderNo: 'SO-7/1 & co' }, taskId: 'i9:Task?x=1' };
    expect(readTaskAddress(taskAddressQuery(address), VP_AND_DIRECTOR)).toEqual({ ...address, leftOut: [] });
  });

  it('takes a character more or less in the order number for typing on (one step of history), anything else for a new step', () => {
    const vp = (orderNo: string) => ({ group: 'vice-president', orderNo });
    expect(continuesTyping(vp('SO-1'), vp('SO-10'))).toBe(true);
    expect(continuesTyping(vp('SO-100'), vp('SO-10'))).toBe(true);
    expect(continuesTyping(vp(''), vp('SO-1'))).toBe(false);
    expect(continuesTyping(vp('SO-1'), vp(''))).toBe(false);
    expect(continuesTyping(vp('7554'), vp('SO-7554'))).toBe(false);
    expect(continuesTyping(vp('SO-1'), { group: '', orderNo: 'SO-10' })).toBe(false);
  });
});
