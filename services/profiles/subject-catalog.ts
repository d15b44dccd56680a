/** The subject taxonomy as a tree, for pickers and filters. */
import type { SubjectRepository } from '../../db/repositories/subject-repository.js';

export interface SubjectNode {
  id: string;
  name: string;
  children: SubjectNode[];
}

export class SubjectCatalog {
  constructor(private readonly subjects: SubjectRepository) {}

  async tree(): Promise<SubjectNode[]> {
    const all = await this.subjects.listAll();
    const nodes = new Map(all.map((subject) => [subject.id, { id: subject.id, name: subject.name, children: [] as SubjectNode[] }]));
    const roots: SubjectNode[] = [];
    // listAll is ordered by name, so every level of the tree comes out sorted.
    for (const subject of all) {
      const node = nodes.get(subject.id)!;
      const parent = subject.parentId ? nodes.get(subject.parentId) : undefined;
      (parent ? parent.children : roots).push(node);
    }
    return roots;
  }
}
