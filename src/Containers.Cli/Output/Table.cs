using System.Text;

namespace Containers.Cli.Output;

/// <summary>
/// A table as docker prints it (Go's tabwriter with a minimum width of 10 and 3 spaces of
/// padding): each column as wide as its widest cell plus 3, at least 10, and the last not padded.
/// kubectl's tables use a minimum width of 6 (<see cref="MinimumWidth"/>).
/// </summary>
internal sealed class Table(params string[] headers)
{
    private const int Padding = 3;
    private readonly List<string[]> _rows = [headers];

    public int MinimumWidth { get; init; } = 10;

    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {headers.Length} columns", nameof(cells));
        }

        _rows.Add(cells);
    }

    public async Task WriteToAsync(TextWriter output)
    {
        var widths = new int[headers.Length];
        foreach (var row in _rows)
        {
            for (var i = 0; i < row.Length - 1; i++)
            {
                widths[i] = Math.Max(widths[i], Math.Max(row[i].Length + Padding, MinimumWidth));
            }
        }

        var line = new StringBuilder();
        foreach (var row in _rows)
        {
            line.Clear();
            for (var i = 0; i < row.Length - 1; i++)
            {
                line.Append(row[i].PadRight(widths[i]));
            }

            line.Append(row[^1]);
            await output.WriteLineAsync(line.ToString().TrimEnd()).ConfigureAwait(false);
        }
    }
}
