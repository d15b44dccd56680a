import type { Knex } from 'knex';

/**
 * The subject taxonomy tutors pick from: a two-level tree keyed by slug ('math.algebra'), so an id
 * reads the same in a URL, a search filter and a log line. The seed is the catalogue the product
 * launches with; later changes are migrations too, never edits of this list.
 */
const TAXONOMY: { id: string; name: string; children: [string, string][] }[] = [
  {
    id: 'languages',
    name: 'Languages',
    children: [
      ['english', 'English'],
      ['spanish', 'Spanish'],
      ['french', 'French'],
      ['german', 'German'],
      ['portuguese', 'Portuguese'],
      ['mandarin', 'Mandarin Chinese'],
      ['japanese', 'Japanese'],
    ],
  },
  {
    id: 'math',
    name: 'Mathematics',
    children: [
      ['arithmetic', 'Arithmetic'],
      ['algebra', 'Algebra'],
      ['geometry', 'Geometry'],
      ['calculus', 'Calculus'],
      ['statistics', 'Statistics'],
    ],
  },
  {
    id: 'sciences',
    name: 'Sciences',
    children: [
      ['physics', 'Physics'],
      ['chemistry', 'Chemistry'],
      ['biology', 'Biology'],
    ],
  },
  {
    id: 'music',
    name: 'Music',
    children: [
      ['piano', 'Piano'],
      ['guitar', 'Guitar'],
      ['voice', 'Voice'],
      ['theory', 'Music theory'],
    ],
  },
  {
    id: 'programming',
    name: 'Programming',
    children: [
      ['python', 'Python'],
      ['javascript', 'JavaScript'],
      ['java', 'Java'],
      ['web', 'Web development'],
    ],
  },
  {
    id: 'test-prep',
    name: 'Test preparation',
    children: [
      ['sat', 'SAT'],
      ['act', 'ACT'],
      ['gre', 'GRE'],
      ['ielts', 'IELTS'],
      ['toefl', 'TOEFL'],
    ],
  },
];

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table subjects (
      id text primary key check (id ~ '^[a-z0-9-]+(\\.[a-z0-9-]+)*$'),
      name text not null check (length(name) between 1 and 80),
      parent_id text references subjects (id)
    )
  `);
  await knex.raw('create index subjects_parent_idx on subjects (parent_id)');
  await knex('subjects').insert(TAXONOMY.map(({ id, name }) => ({ id, name, parent_id: null })));
  await knex('subjects').insert(
    TAXONOMY.flatMap(({ id: parentId, children }) =>
      children.map(([slug, name]) => ({ id: `${parentId}.${slug}`, name, parent_id: parentId })),
    ),
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists subjects');
}
