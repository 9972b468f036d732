using Containers.Errors;
using Containers.Images.Build.Dockerfile;

namespace Containers.Images.Tests.Build.Dockerfile;

public sealed class VariableExpanderTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["PWD"] = "/home",
        ["SHELL"] = "bash",
        ["EMPTY"] = string.Empty,
        ["FILE"] = "archive.tar.gz",
        ["PATHS"] = "a/b/c",
        ["SPACED"] = "abc  def",
    };

    // The reference's "Environment replacement" rules, with BuildKit's quote and escape handling.
    [TestCase("hello", "hello")]
    [TestCase("he'll'o", "hello")]
    [TestCase("he\\'llo", "he'llo")]
    [TestCase("abc\\tdef", "abctdef")]
    [TestCase("\"abc\\tdef\"", "abc\\tdef")]
    [TestCase("\"abc\\\\tdef\"", "abc\\tdef")]
    [TestCase("'abc\\tdef'", "abc\\tdef")]
    [TestCase("hello\\", "hello")]
    [TestCase("hello\\\\", "hello\\")]
    [TestCase("\"hel'lo\"", "hel'lo")]
    [TestCase("'hello\\'", "hello\\")]
    [TestCase("\"''\"", "''")]
    [TestCase("$.", "$.")]
    [TestCase("he$1x", "hex")]
    [TestCase("he$PWD", "he/home")]
    [TestCase("he$pwd.", "he.")]
    [TestCase("he\\$PWD", "he$PWD")]
    [TestCase("he\\\\$PWD", "he\\/home")]
    [TestCase("\"he\\$PWD\"", "he$PWD")]
    [TestCase("\\${}", "${}")]
    [TestCase("he${hi}xx", "hexx")]
    [TestCase("he${PWD}", "he/home")]
    [TestCase("${PWD}_suffix", "/home_suffix")]
    [TestCase("$PWD_suffix", "")]
    [TestCase("he${XXX:-000}xx", "he000xx")]
    [TestCase("he${PWD:-000}xx", "he/homexx")]
    [TestCase("he${XXX:-$PWD}xx", "he/homexx")]
    [TestCase("he${XXX:-${PWD:-yyy}}xx", "he/homexx")]
    [TestCase("he${XXX:-${YYY:-yyy}}xx", "heyyyxx")]
    [TestCase("he${XXX:+${PWD}}xx", "hexx")]
    [TestCase("he${PWD:+${XXX}}xx", "hexx")]
    [TestCase("he${PWD:+${SHELL}}xx", "hebashxx")]
    [TestCase("he${XXX:+000}xx", "hexx")]
    [TestCase("he${PWD:+000}xx", "he000xx")]
    [TestCase("${EMPTY:-default}", "default")]
    [TestCase("${EMPTY-default}", "")]
    [TestCase("${UNSET-default}", "default")]
    [TestCase("${EMPTY:+alt}", "")]
    [TestCase("${EMPTY+alt}", "alt")]
    [TestCase("${UNSET+alt}", "")]
    [TestCase("he${PWD?}", "he/home")]
    [TestCase("he${EMPTY?}", "he")]
    [TestCase("'he${XX}'", "he${XX}")]
    [TestCase("\"he${PWD}\"", "he/home")]
    [TestCase("\"he'$PWD'\"", "he'/home'")]
    [TestCase("'$PWD'", "$PWD")]
    [TestCase("'\"hello\"'", "\"hello\"")]
    [TestCase("he${PWD:+${PWD}:}xx", "he/home:xx")]
    [TestCase("he${XXX:-\\$PWD:}xx", "he$PWD:xx")]
    [TestCase("he${XXX:-\\${PWD}z}xx", "he${PWDz}xx")]
    [TestCase("${aaa}}", "}")]
    [TestCase("${aaa:-bbb}}", "bbb}")]
    [TestCase("${aaa:-bbb {foo}", "bbb {foo")]
    [TestCase("$@ $* $# $? $$ $! $0 ${1:-one}", "       one")]
    [TestCase("${FILE%.gz}", "archive.tar")]
    [TestCase("${FILE%.*}", "archive.tar")]
    [TestCase("${FILE%%.*}", "archive")]
    [TestCase("${FILE#*.}", "tar.gz")]
    [TestCase("${FILE##*.}", "gz")]
    [TestCase("${PATHS/\\//-}", "a-b/c")]
    [TestCase("${PATHS//\\//-}", "a-b-c")]
    [TestCase("${FILE/tar/zip}", "archive.zip.gz")]
    [TestCase("${FILE/nothing/zip}", "archive.tar.gz")]
    [TestCase("\uc548'\ub155'$SHELL", "\uc548\ub155bash")]
    public void ExpandWord_FollowsTheReference(string word, string expected)
    {
        Assert.That(new VariableExpander().ExpandWord(word, Environment), Is.EqualTo(expected));
    }

    [TestCase("he'llo")]
    [TestCase("he\\\\'llo")]
    [TestCase("\"hello")]
    [TestCase("\"hello\\\"")]
    [TestCase("'hello")]
    [TestCase("${}")]
    [TestCase("he${}xx")]
    [TestCase("he${.}")]
    [TestCase("he${XXX:YYY}")]
    [TestCase("he${XXX?}")]
    [TestCase("he${XXX:?}")]
    [TestCase("he${EMPTY:?}")]
    [TestCase("he${PWD")]
    [TestCase("he${PWD:=000}xx")]
    [TestCase("${{aaa}")]
    [TestCase("${aaa:-bbb")]
    [TestCase("${aaa:-bbb ${foo}")]
    [TestCase("${:}")]
    [TestCase("${:-bbb}")]
    public void ExpandWord_Malformed_IsAnError(string word)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => new VariableExpander().ExpandWord(word, Environment));

        Assert.That(error!.Message, Does.StartWith($"cannot expand \"{word}\": "));
    }

    [Test]
    public void ExpandWord_RequiredButUnset_SaysWhatTheWordSays()
    {
        var error = Assert.Throws<InvalidArgumentException>(() => new VariableExpander().ExpandWord("${TOKEN:?set TOKEN with --build-arg}", Environment));

        Assert.That(error!.Message, Does.EndWith("TOKEN: set TOKEN with --build-arg"));
    }

    [TestCase("hello", new[] { "hello" })]
    [TestCase("hello${hi}bye", new[] { "hellobye" })]
    [TestCase("hello${SPACED}bye", new[] { "helloabc", "defbye" })]
    [TestCase("hello\"${SPACED}\"bye", new[] { "helloabc  defbye" })]
    [TestCase("hello \"${SPACED}\"bye", new[] { "hello", "abc  defbye" })]
    [TestCase("hello\" there  \"", new[] { "hello there  " })]
    [TestCase("hello there     ", new[] { "hello", "there" })]
    [TestCase("hello\\ there", new[] { "hello there" })]
    [TestCase("hello\\\" there", new[] { "hello\"", "there" })]
    [TestCase("hello'$there'", new[] { "hello$there" })]
    public void ExpandWords_SplitsAfterExpansion(string text, string[] expected)
    {
        Assert.That(new VariableExpander().ExpandWords(text, Environment), Is.EqualTo(expected));
    }

    [Test]
    public void ExpandWord_WithBacktickEscape_EscapesWithTheBacktick()
    {
        var expander = new VariableExpander('`');

        using (Assert.EnterMultipleScope())
        {
            Assert.That(expander.ExpandWord("c:\\dir\\$SHELL", Environment), Is.EqualTo("c:\\dir\\bash"));
            Assert.That(expander.ExpandWord("`$SHELL", Environment), Is.EqualTo("$SHELL"));
            Assert.That(expander.ExpandWord("\"a`\"b\"", Environment), Is.EqualTo("a\"b"));
        }
    }

    [Test]
    public void ExpandWord_ReportsTheVariablesItUsed()
    {
        var used = new HashSet<string>();

        new VariableExpander().ExpandWord("$PWD ${UNSET:-$SHELL} '$FILE'", Environment, used);

        Assert.That(used, Is.EquivalentTo(new[] { "PWD", "SHELL" }));
    }

    // BuildKit's heredoc test: quotes stay, the backslash escapes, $ expands.
    [TestCase("\"quotes in file\"\n", "\"quotes in file\"\n")]
    [TestCase("\\\n", "\n")]
    [TestCase("\\\\\n", "\\\n")]
    [TestCase("\\$\n", "$\n")]
    [TestCase("echo '$SHELL' \"${UNSET:-x y}\"\n", "echo 'bash' \"x y\"\n")]
    public void ExpandHeredoc_KeepsQuotesAndProcessesEscapes(string content, string expected)
    {
        Assert.That(VariableExpander.ExpandHeredoc(content, Environment), Is.EqualTo(expected));
    }

    [Test]
    public void Constructor_OtherEscape_IsRejected()
    {
        Assert.Throws<InvalidArgumentException>(() => _ = new VariableExpander('/'));
    }

    [Test]
    public void EnvAndLabelValues_FromTheParser_ExpandAsTheReferenceShows()
    {
        // The reference's example: ENV abc=hello; ENV abc=bye def=$abc; ENV ghi=$abc gives def=hello, ghi=bye.
        var document = DockerfileParser.Parse("FROM busybox\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc\n");
        var expander = new VariableExpander(document.Directives.Escape);
        var environment = new Dictionary<string, string>();

        foreach (var env in document.Stages[0].Instructions.Cast<EnvInstruction>())
        {
            // Every pair of one ENV sees the environment from before that ENV.
            var before = new Dictionary<string, string>(environment);
            foreach (var (key, value) in env.Variables)
            {
                environment[expander.ExpandWord(key, before)] = expander.ExpandWord(value, before);
            }
        }

        Assert.That(environment, Is.EquivalentTo(new Dictionary<string, string> { ["abc"] = "bye", ["def"] = "hello", ["ghi"] = "bye" }));
    }

    [Test]
    public void RunMount_Expand_ParsesTheExpandedValues()
    {
        var run = (RunInstruction)DockerfileParser.Parse("FROM busybox\nRUN --mount=type=$KIND,target=${DIR}/cache,uid=$UID true\n").Stages[0].Instructions[0];
        var mount = run.Mounts.Single();
        var environment = new Dictionary<string, string> { ["KIND"] = "cache", ["DIR"] = "/root", ["UID"] = "1000" };

        var expanded = mount.Expand(word => new VariableExpander().ExpandWord(word, environment));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(mount.HasVariables, Is.True);
            Assert.That(mount.Type, Is.EqualTo(RunMountType.Bind));
            Assert.That(expanded.Type, Is.EqualTo(RunMountType.Cache));
            Assert.That(expanded.Target, Is.EqualTo("/root/cache"));
            Assert.That(expanded.Uid, Is.EqualTo(1000u));
            Assert.That(expanded.ReadOnly, Is.False);
        }
    }
}
