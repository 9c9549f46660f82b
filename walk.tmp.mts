import { openModelerSession } from './test/support/modeler-session.ts';
const session = await openModelerSession({});
const { page } = session;
const log = (...a: unknown[]) => console.log(...a);
try {
  await page.locator('.library-item[data-key=credit-order-approval] .library-open').click();
  await page.waitForFunction(() => document.querySelector('.document-key')?.textContent === 'credit-order-approval');
  await page.evaluate(() => { const m = (window as any).stratumModeler; m.get('selection').select(m.get('elementRegistry').get('Flow_AmountTier_Above500000')); });
  const group = page.locator('[data-group-id=group-condition]');
  await group.locator('.bio-properties-panel-group-header').click();
  await group.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('reportingAmount > 400000 and reportingAmount <= 1000000');
  await page.waitForTimeout(800);
  await page.locator('[data-action=toggle-problems]').click();
  await page.locator('[data-action=check-library]').click();
  await page.waitForTimeout(5000);
  log('PROBLEMS:', await page.locator('.problems-panel, .problem-list').first().innerText().catch(() => '?'));
  log('STATUS:', await page.locator('.status').innerText());
  await page.screenshot({ path: '/tmp/w3/shots/20-check-library.png' });
} catch (e) { console.error('FAILED', e); }
await session.close();
