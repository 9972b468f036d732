namespace Containers.Orchestration.Server;

/// <summary>Options of a create, update or patch.</summary>
public sealed record WriteOptions
{
    public static WriteOptions Default { get; } = new();

    /// <summary>Run every check and admission step, and return what would be stored, without storing it.</summary>
    public bool DryRun { get; init; }

    /// <summary>Who makes the change, as kubectl's <c>--field-manager</c> names it; recorded nowhere yet.</summary>
    public string? FieldManager { get; init; }
}
