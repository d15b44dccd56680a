import { BaseModel } from './base-model.js';

/** One node of the subject taxonomy; a top-level area has no parent. */
export class Subject extends BaseModel {
  static override tableName = 'subjects';

  id!: string;
  name!: string;
  parentId!: string | null;
}
