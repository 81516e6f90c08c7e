// The seed's question with profiled generator methods: reading rows through a generator keeps one row
// alive at a time; building the array first holds them all. Compare the Mem usage columns. The
// generator's report covers its whole life, and what the consumer does between two steps is charged
// to no line.
// Usage: node examples/out/stream.js [count]
import { profile } from 'ts-memory-profiler';

interface Row {
  id: number;
  name: string;
}

class Table {
  @profile
  *lazily(count: number): Generator<Row> {
    for (let id = 0; id < count; id++) {
      yield { id, name: `row ${id}` };
    }
  }

  @profile
  eagerly(count: number): Row[] {
    const rows: Row[] = [];
    for (let id = 0; id < count; id++) {
      rows.push({ id, name: `row ${id}` });
    }
    return rows;
  }
}

const count = Number(process.argv[2] ?? 2e5);
const table = new Table();
let lazy = 0;
for (const row of table.lazily(count)) lazy += row.id & 1;
let eager = 0;
for (const row of table.eagerly(count)) eager += row.id & 1;
console.log(lazy === eager ? `both counted ${lazy} odd rows` : 'the counts differ');
