using Containers.Cli.Output;

namespace Containers.Cli.Tests.Output;

public sealed class TableTests
{
    [Test]
    public async Task WriteTo_PadsEachColumnToItsWidestCellPlus3_AtLeast10_AndNotTheLast()
    {
        var table = new Table("CONTAINER ID", "IMAGE", "NAMES");
        table.Add("0123456789ab", "busybox:latest", "a-long-name-at-the-end");
        table.Add("ba9876543210", "x", "b");
        using var output = new StringWriter();

        await table.WriteToAsync(output);

        Assert.That(output.ToString().Split('\n'), Is.EqualTo(new[]
        {
            "CONTAINER ID   IMAGE            NAMES",
            "0123456789ab   busybox:latest   a-long-name-at-the-end",
            "ba9876543210   x                b",
            "",
        }));
    }

    [Test]
    public async Task WriteTo_ShortColumns_AreTenWide()
    {
        var table = new Table("A", "B");
        using var output = new StringWriter();

        await table.WriteToAsync(output);

        Assert.That(output.ToString(), Is.EqualTo("A         B\n"));
    }

    [Test]
    public void Add_WrongNumberOfCells_Throws() =>
        Assert.Throws<ArgumentException>(() => new Table("A", "B").Add("only one"));
}
