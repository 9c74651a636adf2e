// The tree in pre-order, as snapshots list it, without a lookup by full path per node: the walk follows the child
// maps' references and keeps the current path as UTF-8 bytes in one reused buffer, each child's path being its
// parent's plus "/name". Iterative, with one frame per level of the current branch, so depth costs heap, not stack.
//
// The walk may be driven a step at a time while transactions change the tree (a fuzzy snapshot). Like Apache's
// DataTree.serializeNode, each node's children are listed when the node is reached, and a child is looked up by
// name when its turn comes: one deleted in between is skipped, one created in between may be missed; log replay
// from the snapshot's zxid repairs both.
import type { DataNode } from './data-node.js';

interface Frame {
  node: DataNode;
  /** The child list as it was when the node was reached (arrays from childList() are never changed in place). */
  names: readonly string[];
  next: number;
  /** Length of the node's path in bytes ("" for the root, as Apache writes it). */
  pathLength: number;
}

const INITIAL_PATH_BYTES = 1024;

export class PreorderWalk {
  /** The current node's path is pathBytes[0, pathLength): "" for the root, then "/zookeeper", ... */
  pathBytes = Buffer.allocUnsafe(INITIAL_PATH_BYTES);
  pathLength = 0;
  private readonly frames: Frame[] = [];
  private root: DataNode | null;
  /** Whether the node next() last returned pushed a frame for its children. */
  private entered = false;

  constructor(root: DataNode) {
    this.root = root;
  }

  /** The next node, its path in pathBytes; null once every node was visited. */
  next(): DataNode | null {
    if (this.root !== null) {
      const root = this.root;
      this.root = null;
      this.pathLength = 0;
      this.enter(root);
      return root;
    }
    const frames = this.frames;
    while (frames.length > 0) {
      const top = frames[frames.length - 1]!;
      if (top.next === top.names.length) {
        frames.pop();
        continue;
      }
      const name = top.names[top.next++]!;
      const child = top.node.getChild(name);
      if (child === undefined) continue;
      this.setPath(top.pathLength, name);
      this.enter(child);
      return child;
    }
    return null;
  }

  /** Leaves out the descendants of the node next() last returned. */
  skipChildren(): void {
    if (this.entered) this.frames.pop();
    this.entered = false;
  }

  /** The current path as a string (tests and diagnostics; the encoder copies the bytes). */
  get path(): string {
    return this.pathBytes.toString('utf8', 0, this.pathLength);
  }

  private enter(node: DataNode): void {
    this.entered = node.numChildren > 0;
    if (this.entered) this.frames.push({ node, names: node.childList(), next: 0, pathLength: this.pathLength });
  }

  private setPath(parentLength: number, name: string): void {
    const need = parentLength + 1 + name.length * 3;
    if (need > this.pathBytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.pathBytes.length * 2));
      this.pathBytes.copy(bigger, 0, 0, parentLength);
      this.pathBytes = bigger;
    }
    this.pathBytes[parentLength] = 0x2f;
    this.pathLength = parentLength + 1 + this.pathBytes.write(name, parentLength + 1);
  }
}
