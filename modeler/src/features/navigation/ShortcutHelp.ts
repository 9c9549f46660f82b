import type EventBus from 'diagram-js/lib/core/EventBus';
import { el } from '../../dom/element';

interface Keyboard {
  addListener(priority: number, listener: (context: { keyEvent: KeyboardEvent }) => boolean | void): void;
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const mod = isMac ? '⌘' : 'Ctrl';

/** What the keyboard does, as Camunda Modeler's "Keyboard shortcuts" lists it. */
const SHORTCUTS: [string, string][] = [
  ['Undo', `${mod} + Z`],
  ['Redo', `${mod} + Shift + Z  /  ${mod} + Y`],
  ['Select all', `${mod} + A`],
  ['Copy / paste', `${mod} + C  /  ${mod} + V`],
  ['Delete the selection', 'Delete / Backspace'],
  ['Find an element', `${mod} + F`],
  ['Zoom in / out', `${mod} + +  /  ${mod} + −  (or ${mod} + mouse wheel)`],
  ['Fit the diagram / 100 %', `${mod} + 1  /  ${mod} + 0`],
  ['Scroll vertically / horizontally', 'mouse wheel  /  Shift + mouse wheel'],
  ['Move the canvas', 'arrow keys (Shift for bigger steps), or drag with the hand tool'],
  ['Hand tool', 'H'],
  ['Lasso tool', 'L'],
  ['Space tool', 'S'],
  ['Global connect tool', 'C'],
  ['Edit the label', 'E'],
  ['Append an element', 'A'],
  ['Create an element', 'N'],
  ['Replace an element', 'R'],
  ['Token simulation on / off', 'T'],
  ['This help', '?'],
];

/** `?` on the canvas (or the toolbar's "?" button) shows the keyboard shortcuts. */
export default class ShortcutHelp {
  static $inject = ['keyboard', 'eventBus'];

  private dialog: HTMLDialogElement | null = null;

  constructor(keyboard: Keyboard, eventBus: EventBus) {
    keyboard.addListener(500, ({ keyEvent }) => {
      if (keyEvent.key !== '?' || keyEvent.ctrlKey || keyEvent.metaKey || keyEvent.altKey) return;
      this.show();
      return true;
    });
    // `?` also works where the canvas has no keyboard focus (the page itself)
    document.addEventListener('keydown', (event) => {
      if (event.key !== '?' || isTyping(event.target)) return;
      event.preventDefault();
      this.show();
    });
    eventBus.on('diagram.destroy', () => this.dialog?.remove());
  }

  show(): void {
    if (this.dialog?.open) return;
    this.dialog?.remove();
    const dialog = el('dialog', { className: 'stratum-dialog shortcut-help', 'data-dialog': 'shortcuts', 'aria-label': 'Keyboard shortcuts' },
      el('div', { className: 'dialog-form' },
        el('h2', {}, 'Keyboard shortcuts'),
        el('table', { className: 'shortcut-table' }, el('tbody', {},
          SHORTCUTS.map(([what, keys]) => el('tr', {}, el('td', {}, what), el('td', {}, el('kbd', {}, keys)))))),
        el('div', { className: 'dialog-buttons' },
          el('button', { type: 'button', className: 'primary', onclick: () => dialog.close() }, 'Close'))));
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    this.dialog = dialog;
    dialog.showModal();
  }
}

// helpers

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
