// Keeps a list's items in place across refreshes: one node per key, built afresh only for a new key, changed in
// place (only the attributes and children that differ) when what it shows changed, left alone otherwise. A screen
// reader then hears what changed, not the whole list again, and a hovered or focused item does not flicker.

/** What one refresh did, by key. */
export interface KeyedChange {
  added: string[];
  changed: string[];
  removed: string[];
}

export interface KeyedItem {
  key: string;
  /** The item as it should look now; a node built for comparing, put in the page only for a new key. */
  build: () => HTMLElement;
}

export class KeyedChildren {
  private readonly shown = new Map<string, { node: HTMLElement; signature: string }>();

  /** `signature` says what of a built node counts as shown (e.g. without a clock that ticks on its own). */
  constructor(
    private readonly parent: HTMLElement,
    private readonly signature: (built: HTMLElement) => string = (built) => built.outerHTML,
  ) {}

  /** Makes the parent's keyed children `items`, in their order; nodes that are not keyed children are left where they are. */
  update(items: KeyedItem[]): KeyedChange {
    const change: KeyedChange = { added: [], changed: [], removed: [] };
    const wanted = new Set(items.map((item) => item.key));
    for (const [key, { node }] of this.shown) {
      if (wanted.has(key)) continue;
      node.remove();
      this.shown.delete(key);
      change.removed.push(key);
    }
    const nodes = items.map(({ key, build }) => {
      const built = build();
      const signature = this.signature(built);
      const held = this.shown.get(key);
      if (!held) {
        this.shown.set(key, { node: built, signature });
        change.added.push(key);
        return built;
      }
      if (held.signature !== signature) {
        patch(held.node, built);
        held.signature = signature;
        change.changed.push(key);
      }
      return held.node;
    });
    // in order, moving only the nodes out of place
    const keyed = new Set<Node>(nodes);
    const nextKeyed = (start: ChildNode | null) => {
      let node = start;
      while (node && !keyed.has(node)) node = node.nextSibling;
      return node;
    };
    let next = nextKeyed(this.parent.firstChild);
    for (const node of nodes) {
      if (node === next) next = nextKeyed(node.nextSibling);
      else this.parent.insertBefore(node, next);
    }
    return change;
  }
}

// helpers

/** Makes `node` look like `fresh`, keeping every node whose tag stays (so focus and listeners stay on them). */
function patch(node: Element, fresh: Element): void {
  for (const { name } of [...node.attributes]) if (!fresh.hasAttribute(name)) node.removeAttribute(name);
  for (const { name, value } of [...fresh.attributes]) if (node.getAttribute(name) !== value) node.setAttribute(name, value);
  const wanted = [...fresh.childNodes];
  wanted.forEach((child, index) => {
    const current = node.childNodes[index];
    if (!current) node.append(child);
    else if (current.isEqualNode(child)) return;
    else if (current instanceof Element && child instanceof Element && current.tagName === child.tagName) patch(current, child);
    else if (current.nodeType === Node.TEXT_NODE && child.nodeType === Node.TEXT_NODE) current.textContent = child.textContent;
    else current.replaceWith(child);
  });
  while (node.childNodes.length > wanted.length) node.lastChild!.remove();
}
