using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Containers.Errors;

namespace Containers.Images;

/// <summary>
/// A validated, normalized image reference such as <c>docker.io/library/nginx:latest</c> or
/// <c>localhost:5000/team/app@sha256:…</c>.
/// </summary>
/// <remarks>
/// Parsing follows the grammar of github.com/distribution/reference and normalizes the way
/// Docker does: the first path component names a registry only if it contains <c>.</c> or
/// <c>:</c>, is <c>localhost</c>, or has upper case; otherwise the registry is
/// <c>docker.io</c>, where a single-component path gets <c>library/</c>. A reference with
/// neither tag nor digest gets the tag <c>latest</c>.
/// </remarks>
public sealed record ImageReference : ISpanParsable<ImageReference>
{
    private const string DockerHub = "docker.io";
    private const string LegacyDockerHub = "index.docker.io";
    private const string Localhost = "localhost";
    private const string OfficialPrefix = "library/";
    private const string DefaultTag = "latest";
    private const int MaxNameLength = 255;
    private const int MaxTagLength = 128;
    private const int ImageIdLength = 64;
    private const int MaxShownLength = 300;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");
    private static readonly SearchValues<char> Ipv6Characters = SearchValues.Create("0123456789abcdefABCDEF:");
    private static readonly SearchValues<char> TagCharacters =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.-");

    private ImageReference(string registry, string repository, string? tag, Digest? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    private enum Problem
    {
        None,
        Empty,
        ImageId,
        MissingHost,
        BadHostCharacter,
        HostComponentEdge,
        EmptyHostComponent,
        UnclosedIpv6,
        BadIpv6Character,
        EmptyIpv6,
        AfterIpv6,
        EmptyPort,
        BadPort,
        MissingPath,
        UpperCaseInPath,
        BadPathCharacter,
        EmptyPathComponent,
        TrailingSlash,
        LeadingSeparator,
        TrailingSeparator,
        DoubleSeparator,
        EmptyTag,
        TagStart,
        BadTagCharacter,
        TagTooLong,
        EmptyDigest,
        BadDigest,
        NameTooLong,
    }

    /// <summary>Where a path scan stands: what the last character was.</summary>
    private enum PathState
    {
        ComponentStart,
        AlphaNumeric,
        Dot,
        Underscore,
        DoubleUnderscore,
        Dash,
    }

    /// <summary>The registry host, with its port if any: <c>docker.io</c>, <c>localhost:5000</c>, <c>[::1]:5000</c>.</summary>
    public string Registry { get; }

    /// <summary>The path inside the registry: <c>library/nginx</c>, <c>team/app</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag; <c>latest</c> when the reference named neither a tag nor a digest.</summary>
    public string? Tag { get; }

    /// <summary>The digest that pins the content, if the reference has one.</summary>
    public Digest? Digest { get; }

    /// <summary>The registry and repository: <c>docker.io/library/nginx</c>.</summary>
    public string Name => string.Concat(Registry, "/", Repository);

    /// <summary>True when the image lives on Docker Hub (<c>docker.io</c>).</summary>
    public bool IsDockerHub => string.Equals(Registry, DockerHub, StringComparison.Ordinal);

    /// <summary>
    /// Parses and normalizes a reference; throws <see cref="InvalidArgumentException"/> naming the
    /// offending character and its position.
    /// </summary>
    public static ImageReference Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Parse(value.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static ImageReference Parse(ReadOnlySpan<char> value) =>
        TryParseCore(value, out var reference, out var error)
            ? reference
            : throw CreateException(value, error);

    static ImageReference IParsable<ImageReference>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static ImageReference ISpanParsable<ImageReference>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    /// <summary>Parses and normalizes a reference; returns false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out ImageReference? reference)
    {
        reference = null;
        return value is not null && TryParseCore(value, out reference, out _);
    }

    /// <inheritdoc cref="TryParse(string?, out ImageReference?)"/>
    public static bool TryParse(ReadOnlySpan<char> value, [NotNullWhen(true)] out ImageReference? reference) =>
        TryParseCore(value, out reference, out _);

    static bool IParsable<ImageReference>.TryParse(
        [NotNullWhen(true)] string? s, IFormatProvider? provider, [MaybeNullWhen(false)] out ImageReference result) =>
        TryParse(s, out result);

    static bool ISpanParsable<ImageReference>.TryParse(
        ReadOnlySpan<char> s, IFormatProvider? provider, [MaybeNullWhen(false)] out ImageReference result) =>
        TryParse(s, out result);

    /// <summary>Returns a copy with <paramref name="tag"/> as its tag; a digest, if any, is kept.</summary>
    public ImageReference WithTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (tag.Length == 0)
        {
            throw new InvalidArgumentException($"the tag for {Name} is empty: give one, such as latest");
        }

        var error = ValidateTag(tag, 0);
        return error.Problem == Problem.None
            ? new ImageReference(Registry, Repository, tag, Digest)
            : throw new InvalidArgumentException($"tag \"{Show(tag)}\": {Describe(tag, error)}");
    }

    /// <summary>Returns a copy pinned to <paramref name="digest"/>; the tag, if any, is kept.</summary>
    public ImageReference WithDigest(Digest digest)
    {
        if (digest.IsEmpty)
        {
            throw new InvalidArgumentException($"cannot pin {this} to an empty digest: pass a parsed or computed one");
        }

        return new ImageReference(Registry, Repository, Tag, digest);
    }

    /// <summary>The full normalized form: <c>docker.io/library/nginx:latest</c>.</summary>
    public override string ToString() => Format(Name);

    /// <summary>
    /// Docker's short form, without <c>docker.io/</c> and, for official images, <c>library/</c>:
    /// <c>nginx:latest</c>, <c>user/app:v1</c>, <c>localhost:5000/a/b@sha256:…</c>.
    /// </summary>
    public string ToFamiliarString() => Format(FamiliarName());

    /// <summary>Docker's short form of the name alone, as <c>docker images</c> shows the repository: <c>nginx</c>, <c>user/app</c>, <c>localhost:5000/a/b</c>.</summary>
    public string ToFamiliarName() => FamiliarName();

    private string FamiliarName()
    {
        if (!IsDockerHub)
        {
            return Name;
        }

        var official = Repository.StartsWith(OfficialPrefix, StringComparison.Ordinal)
            && !Repository.AsSpan(OfficialPrefix.Length).Contains('/');
        return official ? Repository[OfficialPrefix.Length..] : Repository;
    }

    private string Format(string name) =>
        string.Concat(name, Tag is null ? "" : ":", Tag, Digest is null ? "" : "@", Digest?.ToString());

    private static bool TryParseCore(
        ReadOnlySpan<char> s, [NotNullWhen(true)] out ImageReference? reference, out ParseError error)
    {
        reference = null;
        if (s.IsEmpty)
        {
            error = new ParseError(Problem.Empty, 0);
            return false;
        }

        if (s.Length == ImageIdLength && !s.ContainsAnyExcept(LowerHex))
        {
            error = new ParseError(Problem.ImageId, 0);
            return false;
        }

        // The registry, if any, is everything before the first '/'.
        var registry = DockerHub;
        var pathStart = 0;
        var slash = s.IndexOf('/');
        if (slash > 0 && LooksLikeRegistry(s[..slash]))
        {
            var host = s[..slash];
            error = ValidateRegistry(host);
            if (error.Problem != Problem.None)
            {
                return false;
            }

            registry = host.SequenceEqual(DockerHub) || host.SequenceEqual(LegacyDockerHub) ? DockerHub : host.ToString();
            pathStart = slash + 1;
        }

        error = ValidatePath(s, pathStart, out var pathEnd, out var pathHasSlash);
        if (error.Problem != Problem.None)
        {
            return false;
        }

        var position = pathEnd;
        string? tag = null;
        if (position < s.Length && s[position] == ':')
        {
            var tagStart = position + 1;
            var at = s[tagStart..].IndexOf('@');
            var tagEnd = at < 0 ? s.Length : tagStart + at;
            if (tagEnd == tagStart)
            {
                error = new ParseError(Problem.EmptyTag, position);
                return false;
            }

            error = ValidateTag(s[tagStart..tagEnd], tagStart);
            if (error.Problem != Problem.None)
            {
                return false;
            }

            tag = s[tagStart..tagEnd].ToString();
            position = tagEnd;
        }

        Digest? digest = null;
        if (position < s.Length)
        {
            // The path and the tag stop only at ':', '@' or the end, so this is the '@'.
            var text = s[(position + 1)..];
            if (text.IsEmpty)
            {
                error = new ParseError(Problem.EmptyDigest, position);
                return false;
            }

            if (!global::Containers.Images.Digest.TryParse(text, out var parsed))
            {
                error = new ParseError(Problem.BadDigest, position + 1);
                return false;
            }

            digest = parsed;
        }

        var path = s[pathStart..pathEnd];
        var official = string.Equals(registry, DockerHub, StringComparison.Ordinal) && !pathHasSlash;
        var nameLength = registry.Length + 1 + (official ? OfficialPrefix.Length : 0) + path.Length;
        if (nameLength > MaxNameLength)
        {
            error = new ParseError(Problem.NameTooLong, 0, nameLength);
            return false;
        }

        var repository = official ? string.Concat(OfficialPrefix, path) : path.ToString();
        reference = new ImageReference(registry, repository, tag ?? (digest is null ? DefaultTag : null), digest);
        error = default;
        return true;
    }

    /// <summary>Docker's rule (splitDockerDomain) for whether the first component names a registry.</summary>
    private static bool LooksLikeRegistry(ReadOnlySpan<char> first) =>
        first.ContainsAny('.', ':') || first.SequenceEqual(Localhost) || first.ContainsAnyInRange('A', 'Z');

    /// <summary>Checks <c>host [':' port]</c>, where host is a domain name, IPv4 or bracketed IPv6.</summary>
    private static ParseError ValidateRegistry(ReadOnlySpan<char> host)
    {
        int i;
        if (host[0] == '[')
        {
            var close = host.IndexOf(']');
            var inside = close < 0 ? host[1..] : host[1..close];
            var bad = inside.IndexOfAnyExcept(Ipv6Characters);
            if (bad >= 0)
            {
                return new ParseError(Problem.BadIpv6Character, 1 + bad);
            }

            if (close < 0)
            {
                return new ParseError(Problem.UnclosedIpv6, 0);
            }

            if (close == 1)
            {
                return new ParseError(Problem.EmptyIpv6, 1);
            }

            i = close + 1;
            if (i == host.Length)
            {
                return default;
            }

            if (host[i] != ':')
            {
                return new ParseError(Problem.AfterIpv6, i);
            }
        }
        else
        {
            var componentStart = 0;
            i = 0;
            while (true)
            {
                while (i < host.Length && (char.IsAsciiLetterOrDigit(host[i]) || host[i] == '-'))
                {
                    i++;
                }

                if (i < host.Length && host[i] is not ('.' or ':'))
                {
                    return new ParseError(Problem.BadHostCharacter, i);
                }

                if (i == componentStart)
                {
                    if (i == 0)
                    {
                        return new ParseError(host[0] == ':' ? Problem.MissingHost : Problem.EmptyHostComponent, 0);
                    }

                    // "a..b" blames the second dot; "a." and "a.:5000" blame the dot before the gap.
                    var blame = i < host.Length && host[i] == '.' ? i : componentStart - 1;
                    return new ParseError(Problem.EmptyHostComponent, blame);
                }

                if (host[componentStart] == '-')
                {
                    return new ParseError(Problem.HostComponentEdge, componentStart);
                }

                if (host[i - 1] == '-')
                {
                    return new ParseError(Problem.HostComponentEdge, i - 1);
                }

                if (i == host.Length)
                {
                    return default;
                }

                if (host[i] == ':')
                {
                    break;
                }

                componentStart = ++i;
            }
        }

        // host[i] is the ':' before the port.
        var port = host[(i + 1)..];
        if (port.IsEmpty)
        {
            return new ParseError(Problem.EmptyPort, i);
        }

        var notDigit = port.IndexOfAnyExceptInRange('0', '9');
        return notDigit < 0 ? default : new ParseError(Problem.BadPort, i + 1 + notDigit);
    }

    /// <summary>
    /// Checks the path from <paramref name="start"/> up to the first ':' or '@': components of
    /// <c>[a-z0-9]+</c> joined by one separator (<c>.</c>, <c>_</c>, <c>__</c> or a run of <c>-</c>),
    /// themselves joined by '/'.
    /// </summary>
    private static ParseError ValidatePath(ReadOnlySpan<char> s, int start, out int end, out bool hasSlash)
    {
        hasSlash = false;
        var state = PathState.ComponentStart;
        var separatorStart = start;
        var i = start;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
            {
                state = PathState.AlphaNumeric;
                continue;
            }

            if (c is ':' or '@')
            {
                break;
            }

            end = i;
            switch (c)
            {
                case '/':
                    if (state == PathState.ComponentStart)
                    {
                        return new ParseError(Problem.EmptyPathComponent, i);
                    }

                    if (state != PathState.AlphaNumeric)
                    {
                        return new ParseError(Problem.TrailingSeparator, separatorStart);
                    }

                    hasSlash = true;
                    state = PathState.ComponentStart;
                    break;

                case '.' or '_' or '-':
                    if (state == PathState.ComponentStart)
                    {
                        return new ParseError(Problem.LeadingSeparator, i);
                    }

                    if (state == PathState.AlphaNumeric)
                    {
                        separatorStart = i;
                        state = c switch
                        {
                            '.' => PathState.Dot,
                            '_' => PathState.Underscore,
                            _ => PathState.Dash,
                        };
                    }
                    else if (state == PathState.Underscore && c == '_')
                    {
                        state = PathState.DoubleUnderscore;
                    }
                    else if (state != PathState.Dash || c != '-')
                    {
                        return new ParseError(Problem.DoubleSeparator, i);
                    }

                    break;

                default:
                    return new ParseError(
                        char.IsAsciiLetterUpper(c) ? Problem.UpperCaseInPath : Problem.BadPathCharacter, i);
            }
        }

        end = i;
        return state switch
        {
            PathState.AlphaNumeric => default,
            PathState.ComponentStart when i == start => new ParseError(Problem.MissingPath, i),
            PathState.ComponentStart => new ParseError(Problem.TrailingSlash, i - 1),
            _ => new ParseError(Problem.TrailingSeparator, separatorStart),
        };
    }

    /// <summary>Checks a non-empty tag, <c>[\w][\w.-]{0,127}</c>; positions are offset by <paramref name="offset"/>.</summary>
    private static ParseError ValidateTag(ReadOnlySpan<char> tag, int offset)
    {
        if (tag[0] is '.' or '-')
        {
            return new ParseError(Problem.TagStart, offset);
        }

        var bad = tag.IndexOfAnyExcept(TagCharacters);
        if (bad >= 0)
        {
            return new ParseError(Problem.BadTagCharacter, offset + bad);
        }

        return tag.Length > MaxTagLength ? new ParseError(Problem.TagTooLong, offset, tag.Length) : default;
    }

    private static InvalidArgumentException CreateException(ReadOnlySpan<char> s, ParseError error)
    {
        var subject = $"reference \"{Show(s)}\"";
        if (error.Problem == Problem.BadDigest)
        {
            try
            {
                _ = global::Containers.Images.Digest.Parse(s[error.Position..]);
            }
            catch (InvalidArgumentException e)
            {
                return new InvalidArgumentException($"{subject}: the digest at position {error.Position} is not valid: {e.Message}", e);
            }
        }

        return new InvalidArgumentException($"{subject}: {Describe(s, error)}");
    }

    private static string Describe(ReadOnlySpan<char> s, ParseError error)
    {
        var p = error.Position;
        var at = p < s.Length ? $"{Quote(s[p])} at position {p}" : $"position {p}";
        return error.Problem switch
        {
            Problem.Empty =>
                "an image reference must not be empty: name one, such as nginx or registry.example.com/team/app:1.0",
            Problem.ImageId =>
                "64 hex characters are an image ID, not a repository name: use a name, or pin content with name@sha256:<hex>",
            Problem.MissingHost =>
                $"{at} is not allowed: the registry host is missing before the port; write host:port, such as localhost:5000",
            Problem.BadHostCharacter =>
                $"{at} is not allowed in a registry host: use letters, digits, '-' and '.', or a bracketed IPv6 address such as [::1]",
            Problem.HostComponentEdge =>
                $"{at} is not allowed: each dot-separated part of a registry host must start and end with a letter or digit",
            Problem.EmptyHostComponent =>
                $"{at} is not allowed: a registry host must not have an empty part before, between or after dots",
            Problem.UnclosedIpv6 =>
                $"{at} opens an IPv6 address that is never closed: write it in brackets, such as [::1]:5000",
            Problem.BadIpv6Character =>
                $"{at} is not allowed in a bracketed IPv6 address: use hex digits and ':'",
            Problem.EmptyIpv6 =>
                $"{at} closes empty brackets: put an IPv6 address inside, such as [::1]",
            Problem.AfterIpv6 =>
                $"{at} is not allowed: a bracketed IPv6 address may only be followed by ':' and a port",
            Problem.EmptyPort =>
                $"{at} must be followed by a port number, such as :5000, or be removed",
            Problem.BadPort =>
                $"{at} is not allowed: a registry port must be digits only",
            Problem.MissingPath =>
                $"the repository path is missing at position {p}: name a repository, such as nginx or team/app",
            Problem.UpperCaseInPath =>
                $"{at} is not allowed: repository names must be lowercase",
            Problem.BadPathCharacter =>
                $"{at} is not allowed in a repository name: use lowercase letters, digits, '/' between components, and the separators '.', '_', '__' or '-'",
            Problem.EmptyPathComponent =>
                $"{at} is not allowed: a path component must not be empty; remove the extra '/'",
            Problem.TrailingSlash =>
                $"{at} is not allowed: the repository path must not end with '/'",
            Problem.LeadingSeparator =>
                $"{at} is not allowed: a path component must start with a lowercase letter or digit",
            Problem.TrailingSeparator =>
                $"{at} is not allowed: a path component must end with a lowercase letter or digit",
            Problem.DoubleSeparator =>
                $"{at} is not allowed: join letters and digits with one separator, '.', '_', '__' or a run of '-'",
            Problem.EmptyTag =>
                $"{at} must be followed by a tag, such as :latest, or be removed",
            Problem.TagStart =>
                $"{at} is not allowed: a tag must start with a letter, digit or '_'",
            Problem.BadTagCharacter =>
                $"{at} is not allowed in a tag: use letters, digits, '_', '.' and '-'",
            Problem.TagTooLong =>
                $"the tag at position {p} is {error.Length} characters long: the limit is {MaxTagLength}; shorten it",
            Problem.EmptyDigest =>
                $"{at} must be followed by a digest, such as sha256:<64 hex characters>, or be removed",
            Problem.NameTooLong =>
                $"the name is {error.Length} characters long once normalized: the limit is {MaxNameLength}; shorten the repository path",
            _ => "is not a valid image reference",
        };
    }

    /// <summary>A character as a message shows it: quoted, or as a code point when it would be invisible.</summary>
    private static string Quote(char c) =>
        char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c) ? $"U+{(int)c:X4}" : $"'{c}'";

    private static string Show(ReadOnlySpan<char> s) =>
        s.Length > MaxShownLength ? string.Concat(s[..MaxShownLength], "…") : s.ToString();

    /// <summary>What went wrong and where; <see cref="Length"/> carries a length for the too-long cases.</summary>
    private readonly record struct ParseError(Problem Problem, int Position, int Length = 0);
}
