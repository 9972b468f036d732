namespace Containers.Images.Engine;

/// <summary>What <c>docker volume ls</c> and <c>inspect</c> tell about a volume.</summary>
/// <param name="Name">Its name; 64 hex characters for an anonymous one.</param>
/// <param name="Mountpoint">The host directory that holds its data (<c>&lt;root&gt;/volumes/&lt;name&gt;/_data</c>).</param>
/// <param name="Created">When it was made.</param>
/// <param name="Anonymous">Made for one container (<c>-v /path</c> or the image's <c>VOLUME</c>), not named by the user.</param>
public sealed record VolumeInfo(string Name, string Mountpoint, DateTimeOffset Created, bool Anonymous);
