using Containers.Errors;
using Containers.Images.Build.Context;

namespace Containers.Images.Tests.Build.Context;

public sealed class DockerIgnoreTests
{
    // The reference's example file.
    private static readonly DockerIgnore ReferenceExample = DockerIgnore.Parse("# comment\n*/temp*\n*/*/temp*\ntemp?\n");

    [TestCase("somedir/temporary.txt", true)]
    [TestCase("somedir/temp", true)]
    [TestCase("somedir/temp/inside.txt", true)]
    [TestCase("somedir/subdir/temporary.txt", true)]
    [TestCase("tempa", true)]
    [TestCase("tempb", true)]
    [TestCase("temp", false)]
    [TestCase("tempab", false)]
    [TestCase("temporary.txt", false)]
    [TestCase("a/b/c/temp", false)]
    [TestCase("# comment", false)]
    public void ReferenceExample_MatchesAsDocumented(string path, bool ignored)
    {
        Assert.That(ReferenceExample.Matches(path), Is.EqualTo(ignored));
    }

    [TestCase("main.go", true)]
    [TestCase("cmd/app/main.go", true)]
    [TestCase("main.go.txt", false)]
    [TestCase("README", false)]
    public void DoubleStar_MatchesAnyNumberOfDirectories(string path, bool ignored)
    {
        Assert.That(DockerIgnore.Parse("**/*.go").Matches(path), Is.EqualTo(ignored));
    }

    [TestCase("a/b/x", true)]
    [TestCase("a/x", true)]
    [TestCase("a/b/c/x", true)]
    [TestCase("b/x", false)]
    public void DoubleStar_InTheMiddle_MatchesZeroOrMoreDirectories(string path, bool ignored)
    {
        Assert.That(DockerIgnore.Parse("a/**/x").Matches(path), Is.EqualTo(ignored));
    }

    [Test]
    public void TrailingDoubleStar_MatchesEverythingInside()
    {
        var ignore = DockerIgnore.Parse("build/**");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ignore.Matches("build/a"), Is.True);
            Assert.That(ignore.Matches("build/a/b"), Is.True);
            Assert.That(ignore.Matches("builder"), Is.False);
        }
    }

    [Test]
    public void Exception_ReincludesAPath()
    {
        var ignore = DockerIgnore.Parse("*.md\n!README.md");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ignore.Matches("CHANGELOG.md"), Is.True);
            Assert.That(ignore.Matches("README.md"), Is.False);
            Assert.That(ignore.HasExclusions, Is.True);
        }
    }

    [Test]
    public void LastMatchWins_ExceptionBeforeAnExclude()
    {
        var ignore = DockerIgnore.Parse("*.md\n!README*.md\nREADME-secret.md");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ignore.Matches("README.md"), Is.False);
            Assert.That(ignore.Matches("README-other.md"), Is.False);
            Assert.That(ignore.Matches("README-secret.md"), Is.True);
            Assert.That(ignore.Matches("notes.md"), Is.True);
        }
    }

    [Test]
    public void LastMatchWins_ExceptionAfterAnExclude()
    {
        var ignore = DockerIgnore.Parse("*.md\nREADME-secret.md\n!README*.md");

        Assert.That(ignore.Matches("README-secret.md"), Is.False);
    }

    [Test]
    public void DirectoryPattern_IgnoresEverythingBelow()
    {
        var ignore = DockerIgnore.Parse("node_modules\n");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ignore.Matches("node_modules", isDirectory: true), Is.True);
            Assert.That(ignore.Matches("node_modules/left-pad/index.js"), Is.True);
            Assert.That(ignore.Matches("src/node_modules"), Is.False);
        }
    }

    [TestCase("/foo/bar")]
    [TestCase("foo/bar")]
    [TestCase("foo/bar/")]
    [TestCase("./foo/bar")]
    [TestCase("foo/./bar")]
    [TestCase("foo//bar")]
    [TestCase("foo/baz/../bar")]
    [TestCase("  foo/bar  ")]
    public void Patterns_AreCleanedLikePaths(string pattern)
    {
        var ignore = DockerIgnore.Parse(pattern);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ignore.Patterns.Single().Pattern, Is.EqualTo("foo/bar"));
            Assert.That(ignore.Matches("foo/bar"), Is.True);
            Assert.That(ignore.Matches("/foo/bar/x"), Is.True);
            Assert.That(ignore.Matches("./foo/bar"), Is.True);
            Assert.That(ignore.Matches("foo/barx"), Is.False);
        }
    }

    [Test]
    public void Comment_OnlyAtLineStart()
    {
        var ignore = DockerIgnore.Parse("#secret\n #not-a-comment\n");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ignore.Patterns.Select(p => p.Pattern), Is.EqualTo(new[] { "#not-a-comment" }));
            Assert.That(ignore.Matches("#secret"), Is.False);
            Assert.That(ignore.Matches("#not-a-comment"), Is.True);
        }
    }

    [TestCase("file?.txt", "file1.txt", true)]
    [TestCase("file?.txt", "file/.txt", false)]
    [TestCase("file[0-9].txt", "file7.txt", true)]
    [TestCase("file[0-9].txt", "filea.txt", false)]
    [TestCase("file[^0-9].txt", "filea.txt", true)]
    [TestCase("\\*.txt", "*.txt", true)]
    [TestCase("\\*.txt", "a.txt", false)]
    [TestCase("a+b(c).txt", "a+b(c).txt", true)]
    [TestCase("*", "anything/at/all", true)]
    [TestCase("**", "anything/at/all", true)]
    [TestCase("*/x", "a/x", true)]
    [TestCase("*/x", "x", false)]
    public void GoMatchSyntax_IsSupported(string pattern, string path, bool ignored)
    {
        Assert.That(DockerIgnore.Parse(pattern).Matches(path), Is.EqualTo(ignored));
    }

    [Test]
    public void ContextRoot_IsNeverIgnored()
    {
        Assert.That(DockerIgnore.Parse("*").Matches("."), Is.False);
    }

    [TestCase("!")]
    [TestCase("! ")]
    [TestCase("file[.txt")]
    [TestCase("file[].txt")]
    public void BadPatterns_AreErrorsNamingTheLine(string pattern)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => DockerIgnore.Parse("ok\n" + pattern));

        Assert.That(error!.Message, Does.StartWith(".dockerignore line 2:"));
    }

    [Test]
    public void CanSkipDirectory_WithoutExceptions_SkipsIgnoredDirectories()
    {
        var ignore = DockerIgnore.Parse("build\n");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ignore.CanSkipDirectory("build"), Is.True);
            Assert.That(ignore.CanSkipDirectory("src"), Is.False);
        }
    }

    [Test]
    public void CanSkipDirectory_WithAnExceptionInside_DoesNotSkip()
    {
        var ignore = DockerIgnore.Parse("build\n!build/keep.txt\n");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ignore.CanSkipDirectory("build"), Is.False);
            Assert.That(ignore.Matches("build/keep.txt"), Is.False);
            Assert.That(ignore.Matches("build/other.txt"), Is.True);
        }
    }

    [Test]
    public void CanSkipDirectory_WithAnExceptionElsewhere_Skips()
    {
        var ignore = DockerIgnore.Parse("build\nlogs\n!logs/keep.txt\n");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ignore.CanSkipDirectory("build"), Is.True);
            Assert.That(ignore.CanSkipDirectory("logs"), Is.False);
        }
    }

    [Test]
    public void CanSkipDirectory_WithADoubleStarException_DoesNotSkip()
    {
        var ignore = DockerIgnore.Parse("*\n!**/*.go\n");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ignore.CanSkipDirectory("vendor"), Is.False);
            Assert.That(ignore.Matches("vendor/x/y.go"), Is.False);
            Assert.That(ignore.Matches("vendor/x/y.c"), Is.True);
        }
    }

    [Test]
    public void CanSkipDirectory_ExceptionWithAGlobPrefix_DoesNotSkipMatchingDirectories()
    {
        var ignore = DockerIgnore.Parse("*\n!*/keep\n");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ignore.CanSkipDirectory("a"), Is.False);
            Assert.That(ignore.Matches("a/keep"), Is.False);
            Assert.That(ignore.Matches("a/b/keep"), Is.True);
            Assert.That(ignore.CanSkipDirectory("a/b"), Is.True);
        }
    }

    [Test]
    public async Task LoadAsync_PrefersTheDockerfilesOwnIgnoreFile()
    {
        var context = Directory.CreateTempSubdirectory("dockerignore-test-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(context.FullName, ".dockerignore"), "from-root\n");
            var dockerfile = Path.Combine(context.FullName, "app.Dockerfile");

            var rootOnly = await DockerIgnore.LoadAsync(context.FullName, dockerfile);
            await File.WriteAllTextAsync(dockerfile + ".dockerignore", "from-dockerfile\n");
            var own = await DockerIgnore.LoadAsync(context.FullName, dockerfile);
            var none = await DockerIgnore.LoadAsync(Path.Combine(context.FullName, "missing"));

            using (Assert.EnterMultipleScope())
            {
                Assert.That(rootOnly.Patterns.Single().Pattern, Is.EqualTo("from-root"));
                Assert.That(own.Patterns.Single().Pattern, Is.EqualTo("from-dockerfile"));
                Assert.That(none.Patterns, Is.Empty);
            }
        }
        finally
        {
            context.Delete(recursive: true);
        }
    }
}
