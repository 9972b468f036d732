using System.Formats.Tar;
using System.Text.Json;

namespace Containers.Cli.Tests.Commands;

/// <summary>images, tag, rmi, commit, save, load, import and export, end to end on one root.</summary>
public sealed class ImageCommandTests : ContainerCliTest
{
    [Test]
    public async Task Images_ListsTheImportedImage_AndTagAddsARow()
    {
        await CliOkAsync("tag", Image, "localhost:5000/box:v2");

        var table = (await CliOkAsync("images")).Split('\n');
        var ids = await CliOkAsync("images", "-q");
        var digests = (await CliOkAsync("images", "--digests")).Split('\n');

        Assert.Multiple(() =>
        {
            Assert.That(table[0], Does.Match("^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$"));
            Assert.That(table.Skip(1).Select(row => string.Join(' ', row.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2))), Is.EquivalentTo(new[] { "busybox test", "localhost:5000/box v2" }));
            Assert.That(table[1], Does.Match(@"^\S+ +\S+ +[0-9a-f]{12} +.+ ago +[0-9.]+[kM]B$"));
            Assert.That(ids, Does.Match("^[0-9a-f]{12}$"), "one image, listed once");
            Assert.That(digests[0], Does.Match("^REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE$"));
            Assert.That(digests[1], Does.Contain(" sha256:"));
        });
    }

    [Test]
    public async Task Rmi_UntagsAName_ThenDeletesTheImage_ButNotWhileAContainerUsesIt()
    {
        await CliOkAsync("tag", Image, "other:1");
        Assert.That(await CliOkAsync("rmi", "other:1"), Is.EqualTo("Untagged: other:1"));

        Assert.That((await CliAsync("run", "--name", "user", Image, "true")).Code, Is.Zero);
        var refused = await CliAsync("rmi", Image);
        Assert.That(refused.Code, Is.EqualTo(ContainersCli.UserError));
        Assert.That(refused.Stderr, Does.StartWith("containers: conflict: ").And.Contain("used by container"));

        await CliOkAsync("rm", "user");
        var removed = (await CliOkAsync("rmi", Image)).Split('\n');
        Assert.That(removed[0], Is.EqualTo($"Untagged: {Image}"));
        Assert.That(removed.Skip(1), Is.Not.Empty.And.All.Match("^Deleted: sha256:[0-9a-f]{64}$"));
        Assert.That(await CliOkAsync("images", "-q"), Is.Empty);
    }

    [Test]
    public async Task Commit_ThenRunTheNewImage_SeesTheChangeAndTheNewCmd()
    {
        Assert.That((await CliAsync("run", "--name", "writer", Image, "sh", "-c", "echo committed > /greeting")).Code, Is.Zero);

        var id = await CliOkAsync("commit", "-m", "add a greeting", "-c", "CMD [\"cat\", \"/greeting\"]", "writer", "greeter:1");

        Assert.That(id, Does.Match("^sha256:[0-9a-f]{64}$"));
        var (code, stdout, stderr) = await CliAsync("run", "--rm", "greeter:1");
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo("committed\n"));
        Assert.That(await CliOkAsync("images", "-q", "--no-trunc"), Does.Contain(id));
    }

    [TestCase("docker")]
    [TestCase("oci")]
    public async Task SaveThenLoad_IntoAnotherRoot_RunsTheSameImage(string format)
    {
        var archive = Path.Combine(Work, $"saved-{format}.tar");
        await CliOkAsync("save", "-o", archive, "--format", format, Image);
        var id = await CliOkAsync("images", "-q", "--no-trunc");

        var other = Path.Combine(Work, "other");
        var loaded = await CliRunner.RunAsync("--root", other, "--bridge", "none", "load", "-i", archive);
        Assert.That(loaded.Code, Is.Zero, loaded.Stderr);
        Assert.That(loaded.Stdout.Trim(), Is.EqualTo($"Loaded image: {Image}"));
        var otherIds = await CliRunner.RunAsync("--root", other, "--bridge", "none", "images", "-q", "--no-trunc");
        Assert.That(otherIds.Stdout.Trim(), Is.EqualTo(id), "the same image, digest for digest");
        var ran = await CliRunner.RunAsync("--root", other, "--bridge", "none", "run", "--rm", Image, "echo", "loaded");
        Assert.That(ran.Stdout, Is.EqualTo("loaded\n"), ran.Stderr);
    }

    [Test]
    public async Task ExportThenImport_GivesAnImageWithTheContainersFiles()
    {
        Assert.That((await CliAsync("run", "--name", "source", Image, "sh", "-c", "echo exported > /marker")).Code, Is.Zero);
        var tarball = Path.Combine(Work, "export.tar");

        await CliOkAsync("export", "-o", tarball, "source");

        var names = new List<string>();
        await using (var reader = new TarReader(File.OpenRead(tarball)))
        {
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                names.Add(entry.Name.TrimStart('.', '/'));
            }
        }

        Assert.That(names, Does.Contain("marker").And.Contain("bin/busybox"));
        var id = await CliOkAsync("import", tarball, "exported:1", "-c", "CMD [\"cat\", \"/marker\"]");
        Assert.That(id, Does.Match("^sha256:[0-9a-f]{64}$"));
        var (code, stdout, stderr) = await CliAsync("run", "--rm", "exported:1");
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo("exported\n"));
    }

    [Test]
    public async Task Run_ByImageIdPrefix_FindsTheImage()
    {
        var id = await CliOkAsync("images", "-q");

        var (code, stdout, stderr) = await CliAsync("run", "--rm", id[..8]);

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo("hello\n"), "the image's own cmd, set by import --change");
    }

    [Test]
    public async Task Import_BadChange_IsOneLineAndExit1()
    {
        var (code, _, stderr) = await CliAsync("import", BusyboxTarball, "bad:1", "-c", "FROB x");

        Assert.That(code, Is.EqualTo(ContainersCli.UserError));
        Assert.That(stderr, Does.StartWith("containers: invalid argument: ").And.Contain("FROB"));
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task Inspect_AnImage_PrintsItsIdNamesAndConfig()
    {
        var id = await CliOkAsync("images", "-q", "--no-trunc");

        var inspected = JsonDocument.Parse(await CliOkAsync("inspect", Image)).RootElement;

        Assert.That(inspected.GetArrayLength(), Is.EqualTo(1));
        var image = inspected[0];
        Assert.Multiple(() =>
        {
            Assert.That(image.GetProperty("Id").GetString(), Is.EqualTo(id));
            Assert.That(image.GetProperty("RepoTags")[0].GetString(), Is.EqualTo(Image));
            Assert.That(image.GetProperty("RepoDigests")[0].GetString(), Does.StartWith("busybox@sha256:"));
            Assert.That(image.GetProperty("Config").GetProperty("Cmd").EnumerateArray().Select(a => a.GetString()), Is.EqualTo(new[] { "sh", "-c", "echo hello" }));
            Assert.That(image.GetProperty("RootFS").GetProperty("Layers").GetArrayLength(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Inspect_TypeContainer_DoesNotFallBackToTheImage()
    {
        var (code, stdout, stderr) = await CliAsync("inspect", "--type", "container", Image);

        Assert.That(code, Is.EqualTo(ContainersCli.UserError));
        Assert.That(stdout.Trim(), Is.EqualTo("[]"));
        Assert.That(stderr, Does.StartWith("containers: not found: "));
    }
}
