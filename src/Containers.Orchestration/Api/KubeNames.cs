namespace Containers.Orchestration.Api;

/// <summary>
/// Kubernetes' naming rules (apimachinery's validation package), each returning the reasons a value
/// breaks the rule in Kubernetes' own wording, or an empty list when it is valid.
/// </summary>
public static class KubeNames
{
    public const int Dns1123LabelMaxLength = 63;
    public const int Dns1123SubdomainMaxLength = 253;
    public const int QualifiedNameMaxLength = 63;
    public const int LabelValueMaxLength = 63;

    private const string LabelFormat = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string SubdomainFormat = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string QualifiedNameFormat = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    private const string LabelValueFormat = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    /// <summary>A DNS-1123 label: namespaces, container names, port names' base, service names.</summary>
    public static IReadOnlyList<string> ValidateDns1123Label(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (value.Length > Dns1123LabelMaxLength)
        {
            errors.Add(MaxLength(Dns1123LabelMaxLength));
        }

        if (!IsDns1123Label(value))
        {
            errors.Add(LabelFormat);
        }

        return errors;
    }

    /// <summary>A DNS-1123 subdomain: the names of most objects.</summary>
    public static IReadOnlyList<string> ValidateDns1123Subdomain(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (value.Length > Dns1123SubdomainMaxLength)
        {
            errors.Add(MaxLength(Dns1123SubdomainMaxLength));
        }

        if (!IsDns1123Subdomain(value))
        {
            errors.Add(SubdomainFormat);
        }

        return errors;
    }

    /// <summary>A label or annotation key: an optional DNS subdomain prefix and a slash, then a name of at most 63 characters.</summary>
    public static IReadOnlyList<string> ValidateQualifiedName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var name = value;
        if (slash >= 0)
        {
            var prefix = value[..slash];
            name = value[(slash + 1)..];
            if (prefix.Length == 0)
            {
                errors.Add("prefix part must be non-empty");
            }
            else
            {
                errors.AddRange(ValidateDns1123Subdomain(prefix).Select(e => "prefix part " + e));
            }
        }

        if (name.Length == 0)
        {
            errors.Add("name part must be non-empty");
        }
        else
        {
            if (name.Length > QualifiedNameMaxLength)
            {
                errors.Add("name part " + MaxLength(QualifiedNameMaxLength));
            }

            if (!IsQualifiedNamePart(name))
            {
                errors.Add(QualifiedNameFormat);
            }
        }

        return errors;
    }

    /// <summary>A label value: empty, or at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric.</summary>
    public static IReadOnlyList<string> ValidateLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (value.Length > LabelValueMaxLength)
        {
            errors.Add(MaxLength(LabelValueMaxLength));
        }

        if (value.Length > 0 && !IsQualifiedNamePart(value))
        {
            errors.Add(LabelValueFormat);
        }

        return errors;
    }

    /// <summary>A DNS-1035 label (starts with a letter): Service names.</summary>
    public static IReadOnlyList<string> ValidateDns1035Label(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (value.Length > Dns1123LabelMaxLength)
        {
            errors.Add(MaxLength(Dns1123LabelMaxLength));
        }

        if (!IsDns1123Label(value) || !char.IsAsciiLetterLower(value[0]))
        {
            errors.Add("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
        }

        return errors;
    }

    /// <summary>A name that is one URL path segment: RBAC objects and autoscalers.</summary>
    public static IReadOnlyList<string> ValidatePathSegmentName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is "." or "..")
        {
            return [$"may not be '{value}'"];
        }

        var errors = new List<string>();
        foreach (var bad in new[] { "/", "%" })
        {
            if (value.Contains(bad, StringComparison.Ordinal))
            {
                errors.Add($"may not contain '{bad}'");
            }
        }

        return errors;
    }

    /// <summary>An IANA service name (port names): at most 15 lowercase alphanumerics or '-', with a letter, no '--', not starting or ending in '-'.</summary>
    public static IReadOnlyList<string> ValidatePortName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (value.Length is 0 or > 15)
        {
            errors.Add("must be no more than 15 characters");
        }

        if (value.Length > 0 && (value.ContainsAnyExcept(LabelChars) || !value.Any(char.IsAsciiLetterLower)))
        {
            errors.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
            errors.Add("must contain at least one letter (a-z)");
        }

        if (value.Contains("--", StringComparison.Ordinal))
        {
            errors.Add("must not contain consecutive hyphens");
        }

        if (value.StartsWith('-') || value.EndsWith('-'))
        {
            errors.Add("must not begin or end with a hyphen");
        }

        return errors;
    }

    /// <summary>A ConfigMap or Secret key: alphanumerics, '-', '_' or '.', not "." or "..".</summary>
    public static IReadOnlyList<string> ValidateConfigMapKey(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (value.Length > Dns1123SubdomainMaxLength)
        {
            errors.Add(MaxLength(Dns1123SubdomainMaxLength));
        }

        if (value.Length == 0 || value.ContainsAnyExcept(QualifiedChars))
        {
            errors.Add("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
        }

        if (value is "." or "..")
        {
            errors.Add($"must not be '{value}'");
        }

        return errors;
    }

    /// <summary>An environment variable name: not empty, no '=', printable ASCII.</summary>
    public static IReadOnlyList<string> ValidateEnvVarName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 0 && !value.Contains('=', StringComparison.Ordinal) && value.All(c => c is >= ' ' and <= '~')
            ? []
            : ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
    }

    public static bool IsDns1123Label(ReadOnlySpan<char> value) =>
        value.Length is > 0 and <= Dns1123LabelMaxLength &&
        IsLowerAlphanumeric(value[0]) && IsLowerAlphanumeric(value[^1]) &&
        !value.ContainsAnyExcept(LabelChars);

    public static bool IsDns1123Subdomain(ReadOnlySpan<char> value)
    {
        if (value.Length is 0 or > Dns1123SubdomainMaxLength)
        {
            return false;
        }

        foreach (var range in value.Split('.'))
        {
            if (!IsDns1123Label(value[range]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsQualifiedNamePart(ReadOnlySpan<char> value) =>
        value.Length > 0 && char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[^1]) &&
        !value.ContainsAnyExcept(QualifiedChars);

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);

    private static string MaxLength(int max) => $"must be no more than {max} characters";

    private static readonly System.Buffers.SearchValues<char> LabelChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    private static readonly System.Buffers.SearchValues<char> QualifiedChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");
}
