// A diagram whose ids are in any script (`Prüfen`, `مهمة_1`, `確認_1`) in the modeler: its canvas holds moddle's ASCII
// aliases (`Pr_x00FC_fen`), the server answers with the file's ids, and the modeler translates between them
// (docs/interop.md, "Ids in any script"). Opened from disk, the process is `Prüfen`, and the properties panel and lint
// messages name the file's ids; deployed and started, the
// instance's waiting task is marked and counted, and the call activity drills into `確認_1`, which opens at its own
// diagram (the file has one per process).
// Built modeler, real server, Debian's chromium; screenshots in test-output/non-ascii-ids/.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start.js';
import { browserAvailable } from '../support/browser.js';
import { DESIGNER_TOKEN, INTEGRATION_TOKEN, useModelerSession } from '../support/modeler-session.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/non-ascii-ids');
const FIXTURE = join(import.meta.dirname, 'fixtures/non-ascii-ids.bpmn');

describe.skipIf(!browserAvailable)('a diagram with ids in any script in the modeler', () => {
  let page: Page;
  let server: RunningServer;

  useModelerSession({}, (session) => {
    ({ page, server } = session);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const documentKey = () => page.locator('.document-key').textContent();
  /** Whether the shape named `name` (found by its name: its id on the canvas is an alias) has `marker`. */
  // the page's modeler is reached with code as text: the test does not type bpmn-js's services
  const hasMarker = (name: string, marker: string) => page.evaluate<boolean>(`(() => {
    const modeler = window.stratumModeler;
    const element = modeler.get('elementRegistry').filter((e) => e.businessObject.name === ${JSON.stringify(name)})[0];
    return !!element && modeler.get('canvas').hasMarker(element, ${JSON.stringify(marker)});
  })()`);

  /** The names of the shapes on the canvas. */
  const shownNames = () => page.evaluate<string[]>(`window.stratumModeler.get('elementRegistry').getAll()
    .map((e) => e.businessObject && e.businessObject.name).filter(Boolean)`);

  it('opens the file from disk as the process `Prüfen`, not its alias', async () => {
    await page.locator('input[data-file-input=bpmn]').setInputFiles(FIXTURE);
    await expect.poll(documentKey).toBe('Prüfen');
    expect(await page.locator('.stratum-drilldown').getAttribute('data-called')).toBe('確認_1');
  });

  /** Selects the shape named `name`, so the properties panel shows it. */
  const select = (name: string) => page.evaluate(`(() => {
    const modeler = window.stratumModeler;
    const element = modeler.get('elementRegistry').filter((e) => e.businessObject.name === ${JSON.stringify(name)})[0];
    modeler.get('selection').select(element);
  })()`);
  /**
   * The id the properties panel shows once `name` is selected. Selected again on every try: the panel renders
   * asynchronously, and in a diagram just opened its updates for the root (the import's) can land after a selection
   * made at once, showing the collaboration instead (seen once in CI under load).
   */
  const idShownFor = (name: string) => async () => {
    await select(name);
    return page.locator('#bio-properties-panel-id').inputValue();
  };
  const canvasIdOf = (name: string) => page.evaluate<string>(`window.stratumModeler.get('elementRegistry')
    .filter((e) => e.businessObject.name === ${JSON.stringify(name)})[0].id`);

  it('shows the file\'s ids in the properties panel, and takes an id in any script', async () => {
    const idField = page.locator('#bio-properties-panel-id');
    await select('Betrag erfassen');
    const general = page.locator('[data-group-id=group-general]');
    if (!(await general.locator('.bio-properties-panel-group-entries.open').count())) await general.locator('.bio-properties-panel-group-header').click();
    // the first read after the file was opened: the panel's update for the import's root can land after the selection
    await expect.poll(idShownFor('Betrag erfassen')).toBe('مهمة_1');
    expect(await canvasIdOf('Betrag erfassen')).toMatch(/^[\w.-]+$/); // the canvas holds moddle's alias
    await select('Rechnung prüfen');
    await expect.poll(() => idField.inputValue()).toBe('Prüfen');
    await shot('01-properties-panel-id');

    // an id of the file is refused as another element's; a new one in any script is taken and saved as typed
    await select('Betrag erfassen');
    await expect.poll(() => idField.inputValue()).toBe('مهمة_1');
    await idField.fill('Größe');
    await expect.poll(() => page.locator('[data-entry-id=id] .bio-properties-panel-error').textContent()).toBe('ID must be unique.');
    await idField.fill('مهمة_٢');
    await expect.poll(() => canvasIdOf('Betrag erfassen')).toBe('مهمة_٢');
    const saved = await page.evaluate<string>(`window.stratumModeler.get('workspace').xml()`);
    expect(saved).toContain('<bpmn:userTask id="مهمة_٢" name="Betrag erfassen">');
    expect(saved).toContain('targetRef="مهمة_٢"');
    expect(saved).not.toMatch(/_x[0-9A-F]{4}_/);
    // back as it was read: the file has no unsaved edits for the steps below
    await page.evaluate(`(() => { const stack = window.stratumModeler.get('commandStack'); while (stack.canUndo()) stack.undo(); })()`);
    await select('Betrag erfassen');
    await expect.poll(() => idField.inputValue()).toBe('مهمة_1');

    // a pool: its id and its process's, both the file's
    const pooled = readFileSync(FIXTURE, 'utf8')
      .replace('<bpmn:process id="Prüfen"', '<bpmn:collaboration id="Zusammenarbeit"><bpmn:participant id="Teilnehmer_ö" name="Buchhaltung" processRef="Prüfen" /></bpmn:collaboration>\n  <bpmn:process id="Prüfen"')
      .replace('<bpmndi:BPMNPlane id="Ebene_1" bpmnElement="Prüfen">', '<bpmndi:BPMNPlane id="Ebene_1" bpmnElement="Zusammenarbeit"><bpmndi:BPMNShape id="Teilnehmer_ö_di" bpmnElement="Teilnehmer_ö" isHorizontal="true"><dc:Bounds x="100" y="120" width="720" height="260" /></bpmndi:BPMNShape>');
    await page.locator('input[data-file-input=bpmn]').setInputFiles({ name: 'pool.bpmn', mimeType: 'application/xml', buffer: Buffer.from(pooled) });
    await expect.poll(() => page.locator('.document-title').textContent()).toContain('pool.bpmn');
    await expect.poll(idShownFor('Buchhaltung')).toBe('Teilnehmer_ö');
    expect(await page.locator('#bio-properties-panel-processId').inputValue()).toBe('Prüfen');
    await shot('01b-properties-panel-pool');
  });

  it('names the file\'s ids in lint messages, on the canvas and in the Problems panel', async () => {
    const unnamedMessage = readFileSync(FIXTURE, 'utf8').replace('name="Zahlungseingang"', '');
    await page.locator('input[data-file-input=bpmn]').setInputFiles({ name: 'unnamed-message.bpmn', mimeType: 'application/xml', buffer: Buffer.from(unnamedMessage) });
    await expect.poll(() => page.locator('.document-title').textContent()).toContain('unnamed-message.bpmn');
    if (!(await page.locator('#problems').isVisible())) await page.locator('[data-action=toggle-problems]').click();
    const finding = page.locator('.problem[data-rule=message-named] .problem-message');
    await expect.poll(() => finding.textContent()).toContain('waits for message Nachricht_Zahlungseingang_ä, which has no name');
    const badge = page.locator('.djs-overlays[data-container-id="' + await canvasIdOf('Zahlung eingegangen') + '"] .djs-overlay-linting');
    expect(await badge.textContent()).toContain('Nachricht_Zahlungseingang_ä');
    expect(await page.locator('#problems').textContent()).not.toMatch(/_x[0-9A-F]{4}_/);
    await shot('02-lint-message');
    await page.locator('[data-action=toggle-problems]').click();
  });

  it('shows and takes a call activity\'s Process ID by the file\'s id of a process in the same file, its FEEL toggle kept', async () => {
    await select('Bestätigen lassen');
    const group = page.locator('[data-group-id=group-calledElement]');
    await group.waitFor();
    if (!(await group.locator('.bio-properties-panel-group-entries.open').count())) await group.locator('.bio-properties-panel-group-header').click();
    const processId = page.locator('#bio-properties-panel-targetProcessId');
    await expect.poll(() => processId.inputValue()).toBe('確認_1');
    // the panel's own entry: a formula (FEEL) toggle beside it
    expect(await page.locator('[data-entry-id=targetProcessId] .bio-properties-panel-feel-icon').count()).toBe(1);
    await shot('02b-called-process-id');

    // the file's id of the other process is written as the canvas holds it (its alias) and saved as the file's
    await processId.fill('Prüfen');
    const calledOnCanvas = () => page.evaluate<string>(`(() => {
      const element = window.stratumModeler.get('elementRegistry').filter((e) => e.businessObject.name === 'Bestätigen lassen')[0];
      return element.businessObject.extensionElements.values.find((v) => v.$type === 'zeebe:CalledElement').processId;
    })()`);
    await expect.poll(calledOnCanvas).toBe(await page.evaluate<string>(`window.stratumModeler.get('diagramIds').canvasIdOf('Prüfen')`));
    expect(await calledOnCanvas()).not.toBe('Prüfen'); // the canvas holds moddle's alias of the file's process
    expect(await processId.inputValue()).toBe('Prüfen');
    expect(await page.evaluate<string>(`window.stratumModeler.get('workspace').xml()`)).toContain('<zeebe:calledElement processId="Prüfen" />');
    await page.evaluate(`(() => { const stack = window.stratumModeler.get('commandStack'); while (stack.canUndo()) stack.undo(); })()`);
    await select('Bestätigen lassen');
    await expect.poll(() => processId.inputValue()).toBe('確認_1');
  });

  it('marks where a started instance waits, and counts it, by the ids the server names', async () => {
    const deployed = await fetch(`${server.url}/api/deployments?name=${encodeURIComponent('prüfen.bpmn')}&note=vendor`, {
      method: 'POST', headers: { authorization: `Bearer ${DESIGNER_TOKEN}`, 'content-type': 'application/xml' }, body: readFileSync(FIXTURE),
    });
    expect(deployed.status, await deployed.clone().text()).toBe(201);
    const started = await fetch(`${server.url}/api/processes/${encodeURIComponent('Prüfen')}/instances`, {
      method: 'POST', headers: { authorization: `Bearer ${INTEGRATION_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ businessKey: 'RE-1', variables: { rechnungNr: 'RE-1' } }),
    });
    expect(started.status, await started.clone().text()).toBe(201);

    await page.locator('.side-tab[data-tab=instances]').click();
    await page.locator('.instance-query').fill('RE-1');
    await page.locator('.instance-form button[type=submit]').click();
    await page.locator('.instance-card').waitFor();
    expect(await documentKey()).toBe('Prüfen');
    await page.locator('.instance-waiting li[data-element="مهمة_1"]').waitFor();
    await expect.poll(() => hasMarker('Betrag erfassen', 'stratum-instance-waiting')).toBe(true);
    expect(await hasMarker('Eingang', 'stratum-instance-path')).toBe(true);
    await shot('03-instance-waits-at-the-arabic-task');

    await page.locator('.side-tab[data-tab=library]').click();
    await page.locator('button[title="Reload the library"]').click(); // deployed through the API, after the library was read
    await page.locator('.library-item[data-key="Prüfen"] .library-open').click();
    await expect.poll(() => page.locator('.document-title').textContent()).toContain('v1 (latest)');
    await page.locator('[data-action=waiting-counts]').click();
    await expect.poll(() => page.locator('.stratum-waiting-count[data-element="مهمة_1"]').textContent()).toBe('1');
    await shot('04-waiting-counts');
  });

  it('drills into the called process `確認_1`', async () => {
    const requested: string[] = [];
    page.on('request', (request) => requested.push(decodeURIComponent(new URL(request.url()).pathname)));
    await page.locator('.stratum-drilldown[data-called="確認_1"]').click();
    await expect.poll(documentKey).toBe('確認_1');
    expect(requested).toContain('/api/processes/確認_1');
    expect(requested.filter((path) => /_x[0-9A-F]{4}_/.test(path))).toEqual([]);
    // the file has a diagram per process: the canvas shows 確認_1's, not the first (Prüfen's)
    await expect.poll(shownNames).toContain('承認する');
    expect(await shownNames()).not.toContain('Betrag erfassen');
    await shot('05-called-process');
  });

  /** The file with Prüfen's second version: a task renamed, a condition's constant moved. */
  const pruefenV2 = (xml: string) => xml.replace('name="Betrag erfassen"', 'name="Betrag prüfen"')
    .replace('=betrag &gt; 1000</bpmn:conditionExpression>', '=betrag &gt; 5000</bpmn:conditionExpression>');

  it('shows the History diff of two versions by the file\'s ids, the changed task and condition marked', async () => {
    const v2 = pruefenV2(readFileSync(FIXTURE, 'utf8'));
    const deployed = await fetch(`${server.url}/api/deployments?name=${encodeURIComponent('prüfen.bpmn')}&note=renamed`, {
      method: 'POST', headers: { authorization: `Bearer ${DESIGNER_TOKEN}`, 'content-type': 'application/xml' }, body: v2,
    });
    expect(deployed.status, await deployed.clone().text()).toBe(201);
    await page.locator('button[title="Reload the library"]').click();
    await page.locator('.library-item[data-key="Prüfen"] .library-open').click();
    await expect.poll(() => page.locator('.document-title').textContent()).toContain('v2 (latest)');
    await page.locator('.side-tab[data-tab=history]').click();
    await page.locator('.version[data-version="2"] [data-action=diff-previous]').click();
    const renamed = page.locator('.diff-section.changed li[data-element="مهمة_1"]');
    await renamed.waitFor();
    expect(await renamed.textContent()).toContain('Betrag erfassen');
    expect(await page.locator('.diff-section.conditions li[data-flow="Fluss_groß"]').textContent()).toContain('=betrag > 5000');
    expect(await hasMarker('groß', 'stratum-diff-changed')).toBe(true);
    expect(await page.locator('.diff-section').allTextContents()).not.toContainEqual(expect.stringMatching(/_x[0-9A-F]{4}_/));
    expect(await hasMarker('Betrag prüfen', 'stratum-diff-changed')).toBe(true);
    await shot('06-history-diff');
    // v1 beside it, read as the canvas reads it (plain moddle drew none of it), the same two elements marked
    await page.locator('[data-action=diff-side-by-side]').click();
    await expect.poll(() => page.locator('.diff-side-canvas .djs-element.stratum-diff-changed').count()).toBe(2);
    await shot('07-side-by-side');
  });

  it('compares two versions of `確認_1`: its changes only, side by side, both at 確認_1\'s own diagram', async () => {
    // Prüfen back as its v1 had it: the file's two versions differ in Prüfen too, which is not 確認_1's history
    const v3 = readFileSync(FIXTURE, 'utf8').replace('name="承認する"', 'name="承認を記録する"');
    const deployed = await fetch(`${server.url}/api/deployments?name=${encodeURIComponent('prüfen.bpmn')}&note=kakunin`, {
      method: 'POST', headers: { authorization: `Bearer ${DESIGNER_TOKEN}`, 'content-type': 'application/xml' }, body: v3,
    });
    expect(deployed.status, await deployed.clone().text()).toBe(201);
    await page.locator('.side-tab[data-tab=library]').click();
    await page.locator('button[title="Reload the library"]').click();
    await page.locator('.library-item[data-key="確認_1"] .library-open').click();
    await expect.poll(documentKey).toBe('確認_1');
    await expect.poll(shownNames).toContain('承認を記録する');
    await page.locator('.side-tab[data-tab=history]').click();
    await page.locator('.versions .version').first().locator('[data-action=diff-previous]').click();
    await page.locator('.diff-summary:not([hidden])').waitFor();
    expect(await shownNames()).toContain('承認を記録する');
    expect(await page.locator('.diff-section li[data-element]').evaluateAll((items) => items.map((item) => item.getAttribute('data-element')))).toEqual(['承認']);
    expect(await page.locator('.diff-section.conditions').count()).toBe(0);
    await page.locator('[data-action=diff-side-by-side]').click();
    const older = page.locator('.diff-side-canvas');
    await expect.poll(() => older.locator('.djs-element').count()).toBeGreaterThan(0);
    expect(await older.textContent()).toContain('承認する');
    expect(await older.textContent()).not.toContain('Betrag');
    await shot('08-called-process-side-by-side');
  });
});
