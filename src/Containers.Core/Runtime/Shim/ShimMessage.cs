namespace Containers.Runtime.Shim;

/// <summary>One message from the shim: a line of text and, for a terminal, an fd.</summary>
internal readonly record struct ShimMessage(string Text, int PassedFd)
{
    public bool IsError => Text.StartsWith("error ", StringComparison.Ordinal);

    /// <summary>The text after the first word.</summary>
    public string Argument => Text.IndexOf(' ', StringComparison.Ordinal) is var space and >= 0 ? Text[(space + 1)..] : string.Empty;

    public bool Is(string word) => Text == word || Text.StartsWith(word + " ", StringComparison.Ordinal);
}
