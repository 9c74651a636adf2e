// Tables for `--output table` (cli-table3, imported only when a table is asked for): plain borders, no colour unless
// the output is a terminal that allows it.
export async function renderTable(head: readonly string[], rows: readonly (readonly string[])[], colour: boolean): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: [...head], style: colour ? {} : { head: [], border: [] } });
  for (const row of rows) table.push([...row]);
  return `${table.toString()}\n`;
}
