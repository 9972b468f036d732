namespace Containers.Images.Build.Dockerfile;

/// <summary>A word of an instruction's text and where it starts in that text.</summary>
internal readonly record struct Word(string Text, int Offset);
