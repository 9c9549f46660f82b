// The open document's title names the latest version of its process (`v1 (latest)`, `v1 of 2`); when the library
// finds a version deployed elsewhere, the title follows it, never back to an older one.
import { describe, expect, it } from 'vitest';
import { raisedLatestVersion } from '../../../../modeler/src/features/library/latest-version.js';

describe('the latest version the open document names', () => {
  it('follows a version deployed elsewhere: version 1 open, the library now lists 2', () => {
    expect(raisedLatestVersion({ version: 1, latestVersion: 1, origin: 'library' }, 2)).toBe(2);
    // an older version open read-only, or an instance's version
    expect(raisedLatestVersion({ version: 1, latestVersion: 2, origin: 'instance' }, 3)).toBe(3);
  });

  it('stays when the library lists the version it names already', () => {
    expect(raisedLatestVersion({ version: 1, latestVersion: 2, origin: 'library' }, 2)).toBeNull();
  });

  it('never goes back to an older one: a look answered before the document was opened with the server\'s latest', () => {
    expect(raisedLatestVersion({ version: 3, latestVersion: 3, origin: 'library' }, 2)).toBeNull();
  });

  it('names none for a new process, even once someone else deploys its key', () => {
    expect(raisedLatestVersion({ version: null, latestVersion: null, origin: 'new' }, 1)).toBeNull();
  });

  it('leaves a file from disk alone: its title names the file, and its status line compared it when it was opened', () => {
    expect(raisedLatestVersion({ version: 1, latestVersion: 1, origin: 'file' }, 2)).toBeNull();
  });

  it('stays when the library does not list the process (not loaded yet)', () => {
    expect(raisedLatestVersion({ version: 1, latestVersion: 1, origin: 'library' }, undefined)).toBeNull();
  });
});
